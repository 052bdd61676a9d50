// Any reply as JSON: bulk strings as text (stray bytes kept as code points), integers as
// numbers, nil as null, arrays as arrays, error replies as {"error": "…"}.
#pragma once

#include <nlohmann/json.hpp>

#include "redis/reply.hpp"

namespace redisops {

nlohmann::json reply_to_json(ReplyView reply);

}  // namespace redisops
