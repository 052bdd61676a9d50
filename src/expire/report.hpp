// The reports of `expire` and `expire --undo`: JSON (the fields redis-ops-expire(1) documents) and
// text tables.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "expire/expire.hpp"
#include "expire/undo.hpp"
#include "util/output.hpp"

namespace redisops {

nlohmann::json expire_json(const ExpireReport& r);
std::string expire_text(const ExpireReport& r, const OutputStyle& style);
nlohmann::json undo_json(const UndoReport& r);
std::string undo_text(const UndoReport& r);

}  // namespace redisops
