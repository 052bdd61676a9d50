// connect-redis (express-session's Redis store): `sess:<id>` holds the session as JSON,
// written with `SET key json EX ttl` where ttl = ceil((cookie.expires - now) / 1s), or the
// store's ttl (default one day) when the cookie has no expiry. It keeps no index, so finding
// a user's sessions means a SCAN of the prefix that decodes each one.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "redis/client.hpp"
#include "session/session_index.hpp"
#include "session/session_record.hpp"

namespace redisops {

/// Every command the connect-redis layout sends, for --print-acl: read (lua/session_read.lua:
/// TYPE PTTL GET), touch (EXPIRE), destroy (DEL), and list and destroy-all, which SCAN the
/// prefix, GET each key, then PTTL or UNLINK the user's.
inline constexpr const char* kConnectSessionCommands[] = {
    "evalsha", "script|load", "type", "pttl", "get", "expire", "del", "scan", "unlink"};

/// The TTL connect-redis' touch() sets: express-session first resets cookie.expires to now +
/// originalMaxAge, so it is ceil(originalMaxAge / 1s) seconds; one day without a max age.
/// `ttl` (--ttl) overrides it, rounded up to whole seconds as connect-redis' EXPIRE would.
std::chrono::seconds connect_touch_ttl(const Session& s,
                                       std::optional<std::chrono::milliseconds> ttl);

/// EXPIRE as connect-redis' touch() does; the JSON is not rewritten, so the app reads the
/// session exactly as it left it. Returns the TTL, or nullopt when the key is gone.
std::optional<std::chrono::milliseconds> connect_touch(
    Client& client, const Session& s, std::optional<std::chrono::milliseconds> ttl);

/// How a prefix scan runs: at most `rate` keys a second per node, `progress` hears the count.
struct SessionScan {
    double rate = 0;
    std::function<void(uint64_t)> progress;
};

/// Every session under the connect-redis prefix whose user field equals `user`.
SessionListing connect_list(Client& client, const SessionLayout& layout, std::string_view user,
                            const SessionScan& scan);

/// Deletes them (UNLINK).
DestroyAllResult connect_destroy_all(Client& client, const SessionLayout& layout,
                                     std::string_view user, const SessionScan& scan);

}  // namespace redisops
