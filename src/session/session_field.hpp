// Input checks for `session`: `--field K=V` pairs, session ids and user ids. Kept apart from
// the Redis code so a fuzzer can drive them directly.
#pragma once

#include <string>
#include <string_view>

namespace redisops {

struct SessionField {
    std::string name;
    std::string value;
};

/// Parses one `--field K=V`: the name is everything before the first '=', the value everything
/// after it (it may hold '=' and may be empty). Throws UsageError when there is no '=', the
/// name is empty, holds control characters, or is one redis-ops keeps for itself.
SessionField parse_field(std::string_view text);

/// Fields the HASH layout writes itself: user_id, created_at, max_age_ms.
bool is_reserved_field(std::string_view name);

/// Throws UsageError("<what>: …") unless `text` is non-empty and free of control characters
/// (bytes below 0x20 and 0x7F). Used for session ids and user ids, which become key names.
void check_identifier(std::string_view text, std::string_view what);

}  // namespace redisops
