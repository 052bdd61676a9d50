// Spring Session's indexed repository (RedisIndexedSessionRepository), done the way Spring
// does it: the HASH <ns>:sessions:<id>, the empty string <ns>:sessions:expires:<id> whose TTL
// is the real deadline (maxInactiveInterval; the hash lives 5 minutes longer so that the
// expiry event can still read it), the per-minute set <ns>:expirations:<minute ms> of
// "expires:<id>" members, and the principal index set of ids. Spring puts no hash tags in its
// keys, so on a cluster every step is a command of its own, as in Spring; on one server a
// script does them at once.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "redis/client.hpp"
#include "session/session_index.hpp"
#include "session/session_record.hpp"

namespace redisops {

/// Every command the Spring layout sends, its scripts' calls included, for --print-acl: read
/// (TYPE PTTL HGETALL, the expires key's PTTL), touch (TIME; EXISTS HSET SISMEMBER SREM SADD
/// EXPIRE APPEND PERSIST DEL), destroy (DEL SREM), list through the principal index (TYPE,
/// SSCAN, PTTL + HGETALL, GET for a value that is not a hash) and destroy-all.
inline constexpr const char* kSpringSessionCommands[] = {
    "evalsha",   "script|load", "type",   "pttl",    "hgetall", "get",    "time", "exists", "hset",
    "sismember", "srem",        "append", "persist", "sadd",    "expire", "del",  "sscan"};

/// The expirations bucket Spring files a deadline under: the next whole minute after it.
long long spring_expiration_minute(long long deadline_ms);

/// Sets s.ttl_ms to the expires key's PTTL (Spring's deadline), when that key exists.
void spring_read_deadline(Client& client, const SessionLayout& layout, Session& s);

/// Spring's touch: lastAccessedTime = the server's now (in the session's own serialization),
/// expires key TTL = maxInactiveInterval, hash TTL = that + 5 min, the expirations member moved
/// to its new minute. Returns the session's lifetime, or nullopt when the hash is gone.
std::optional<std::chrono::milliseconds> spring_touch(Client& client, const SessionLayout& layout,
                                                      const Session& s);

/// Removes the hash, the expires key, the expirations member and the principal index member.
bool spring_destroy(Client& client, const SessionLayout& layout, const Session& s);

/// The sessions in the principal index of `user` (members Spring serialized are decoded).
SessionListing spring_list(Client& client, const SessionLayout& layout, std::string_view user);

/// Destroys every session in the principal index of `user`.
DestroyAllResult spring_destroy_all(Client& client, const SessionLayout& layout,
                                    std::string_view user);

}  // namespace redisops
