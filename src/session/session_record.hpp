// What a session is once read from Redis, whichever layout it was stored in: the redis-ops
// HASH (`session:<id>` with user_id, created_at, max_age_ms and the caller's fields), a JSON
// string as many web frameworks write it (`SETEX session:<id> ttl '{"user_id":…}'`,
// connect-redis' `sess:<id>`), or Spring Session's HASH (see session/spring_value.hpp).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redis/reply.hpp"
#include "session/session_layout.hpp"

namespace redisops {

enum class SessionFormat { Hash, Json };

/// A Spring session's own numbers, and how its serializer wrote them (to write back alike).
struct SpringFacts {
    long long creation_ms = 0;
    long long last_accessed_ms = 0;
    long long max_inactive_s = 0;
    std::string codec;  // "jdk", "json" or "text": how lastAccessedTime was encoded
};

struct Session {
    std::string id;
    std::string key;
    SessionFormat format = SessionFormat::Hash;
    LayoutKind layout = LayoutKind::RedisOps;  // the layout it was read as (never Auto)
    std::optional<std::string> user_id;        // absent in e.g. connect-redis sessions
    std::optional<long long> created_at;       // unix seconds
    std::optional<long long> ttl_ms;           // remaining; nullopt: the key has no expiry
    std::optional<long long> max_age_ms;       // the sliding lifetime, when the session knows it
    /// The fields in stored order, as text (nested JSON values as compact JSON text).
    std::vector<std::pair<std::string, std::string>> fields;
    /// Fields whose value is JSON (a nested object, array, number, …), decoded, so that --json
    /// keeps them nested, in stored order. Their text in `fields` is printable as it is.
    std::map<std::string, nlohmann::ordered_json> json_values;
    std::optional<SpringFacts> spring;
};

/// The outcome of reading one key with lua/session_read.lua.
struct SessionLookup {
    enum class State { Live, Missing, NotASession };
    State state = State::Missing;
    Session session;         // when Live
    std::string redis_type;  // when NotASession: "list", "set", …
};

/// Decodes a session_read reply for `id` stored at `key`, read as `layout` (Auto: decided from
/// the type and content). A string that is not a JSON object is NotASession (redis_type
/// "string (not a JSON object)").
SessionLookup decode_session_reply(std::string_view id, std::string_view key, ReplyView reply,
                                   const SessionLayout& layout);

/// The same from its parts, for pipelined reads: the key's Redis type ("hash", "string",
/// "none", …), its PTTL, and the HGETALL array (hash) or GET bulk (string).
SessionLookup decode_session_parts(std::string_view id, std::string_view key, std::string_view type,
                                   long long pttl, ReplyView payload, const SessionLayout& layout);

/// Fills `s` (user_id, created_at, max_age_ms, fields, layout) from a JSON document, read as
/// `kind`: RedisOps takes `user_id`, ConnectRedis the value at the dot path `user_field`, Auto
/// picks ConnectRedis when there is a `cookie` object. False when `text` is not a JSON object.
bool decode_json_session(std::string_view text, Session& s, LayoutKind kind = LayoutKind::RedisOps,
                         std::string_view user_field = "passport.user");

/// The value at a dot path ("passport.user") of a JSON object as text (strings as they are,
/// numbers as JSON); nullopt when absent, null, an object or an array.
std::optional<std::string> json_path_text(const nlohmann::ordered_json& doc, std::string_view path);

/// The ReplyError text for a key that holds something other than a session.
std::string not_a_session_message(std::string_view key, std::string_view redis_type);

}  // namespace redisops
