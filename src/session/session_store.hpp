// One session at a time: create, read, touch (sliding expiration) and destroy, keeping the
// user's index (`user_sessions:<user>`, a SET of ids) in step with the session keys.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/client.hpp"
#include "session/session_field.hpp"
#include "session/session_record.hpp"

namespace redisops {

/// Every command the redis-ops layout sends, its scripts' calls included, for --print-acl:
/// create (EXISTS TYPE TIME HSET PEXPIRE SADD PTTL), read (TYPE PTTL HGETALL, GET for a JSON
/// string), touch, destroy (DEL SREM), list (SSCAN of the index, PTTL + HGETALL, SREM of dead
/// ids) and destroy-all (SCARD + RENAME of the index to a tombstone, SSCAN, UNLINK).
inline constexpr const char* kSessionCommands[] = {
    "evalsha", "script|load", "exists", "type", "time",  "hset",  "pexpire", "sadd",  "pttl",
    "hgetall", "get",         "del",    "srem", "sscan", "scard", "rename",  "unlink"};

/// The lifetime `session create` gives and `session touch` falls back to.
constexpr std::chrono::milliseconds kDefaultSessionTtl = std::chrono::hours(24);

struct NewSession {
    std::string user_id;
    std::chrono::milliseconds ttl = kDefaultSessionTtl;
    std::vector<SessionField> fields;
};

struct CreatedSession {
    std::string id;
    std::string key;
    std::string index_key;
    long long created_at = 0;  // unix seconds, the server's clock
};

/// True when the session key and the index key must be written in two single-slot steps:
/// on a cluster, whenever their hash slots differ. Standalone and Sentinel run one script.
bool session_keys_split(const Client& client, std::string_view session_key,
                        std::string_view index_key);

/// A fresh id: 32 CSPRNG bytes, URL-safe base64 (43 characters), never starting with '-'.
std::string new_session_id();

/// Writes the HASH, its TTL and the index entry (index TTL raised to at least the session's).
/// Throws UsageError for bad input and ReplyError (WRONGTYPE …) when the index is not a SET.
CreatedSession create_session(Client& client, const SessionLayout& layout, const NewSession& req);

/// The session, or nullopt when no key of it exists. With layout auto, the id is looked up at
/// each layout's key (redis-ops, connect-redis, Spring) and the first one there is read as
/// what its type and content say. A key of another type throws ReplyError naming it.
std::optional<Session> read_session(Client& client, const SessionLayout& layout,
                                    std::string_view id);

/// The TTL `touch` applies without --ttl: the session's own max age, else 24h.
std::chrono::milliseconds default_touch_ttl(const Session& s);

/// Sliding expiration, the way the session's own framework does it: redis-ops sets the TTL to
/// `ttl` (default: the session's max age) and raises its index TTL to at least that;
/// connect-redis EXPIREs (see connect_session.hpp); Spring refreshes lastAccessedTime and its
/// keys' TTLs (spring_session.hpp; `ttl` must be empty). Returns the TTL set, or nullopt when
/// the session disappeared meanwhile.
std::optional<std::chrono::milliseconds> touch_session(
    Client& client, const SessionLayout& layout, const Session& s,
    std::optional<std::chrono::milliseconds> ttl);

/// Deletes the session and its index entry (the index is found through the session's
/// user_id); a Spring session with all its companion keys. False when there was no such session.
bool destroy_session(Client& client, const SessionLayout& layout, std::string_view id);

/// Runs a script over keys that may sit in different slots, as one atomic step. Only for
/// standalone and Sentinel, where slots do not matter: Client::eval, which refuses mixed
/// slots on every topology to catch cluster bugs early, is bypassed on purpose. keys[0]
/// routes it, as client.eval would.
Reply eval_unsplit(Client& client, const Script& script, const Args& keys, const Args& args);

}  // namespace redisops
