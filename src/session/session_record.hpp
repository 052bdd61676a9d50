// What a session is once read from Redis, whichever layout it was stored in: the redis-ops
// HASH (`session:<id>` with user_id, created_at, max_age_ms and the caller's fields) or a JSON
// string as many web frameworks write it (`SETEX session:<id> ttl '{"user_id":…}'`,
// connect-redis' `sess:<id>`).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redis/reply.hpp"

namespace redisops {

/// Where sessions and per-user indexes live; both prefixes are flags.
struct SessionLayout {
    std::string prefix = "session:";
    std::string index_prefix = "user_sessions:";

    std::string session_key(std::string_view id) const { return prefix + std::string(id); }
    std::string index_key(std::string_view user_id) const {
        return index_prefix + std::string(user_id);
    }
};

enum class SessionFormat { Hash, Json };

struct Session {
    std::string id;
    std::string key;
    SessionFormat format = SessionFormat::Hash;
    std::optional<std::string> user_id;   // absent in e.g. connect-redis sessions
    std::optional<long long> created_at;  // unix seconds
    std::optional<long long> ttl_ms;      // remaining; nullopt: the key has no expiry
    std::optional<long long> max_age_ms;  // the sliding lifetime, when the session knows it
    /// The caller's fields sorted by name; nested JSON values are kept as JSON text.
    std::vector<std::pair<std::string, std::string>> fields;
    /// Fields whose value is JSON text (a nested object, array, number, …, of the JSON layout);
    /// it is printable as it is: dump() escapes control characters and keeps valid UTF-8.
    std::set<std::string> json_fields;
};

/// The outcome of reading one key with lua/session_read.lua.
struct SessionLookup {
    enum class State { Live, Missing, NotASession };
    State state = State::Missing;
    Session session;         // when Live
    std::string redis_type;  // when NotASession: "list", "set", …
};

/// Decodes a session_read reply for `id` stored at `key`. A string that is not a JSON object
/// is NotASession (redis_type "string (not a JSON object)").
SessionLookup decode_session_reply(std::string_view id, std::string_view key, ReplyView reply);

/// The same from its parts, for pipelined reads: the key's Redis type ("hash", "string",
/// "none", …), its PTTL, and the HGETALL array (hash) or GET bulk (string).
SessionLookup decode_session_parts(std::string_view id, std::string_view key, std::string_view type,
                                   long long pttl, ReplyView payload);

/// Fills `s` (user_id, created_at, max_age_ms, fields) from a JSON document. Returns false
/// when `text` is not a JSON object.
bool decode_json_session(std::string_view text, Session& s);

/// The ReplyError text for a key that holds something other than a session.
std::string not_a_session_message(std::string_view key, std::string_view redis_type);

}  // namespace redisops
