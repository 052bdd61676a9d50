// Exact rate limits shared by every host that talks to one Redis, on the server's clock: each
// decision is one Lua script that reads TIME, so client clocks never matter.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ratelimit/keys.hpp"
#include "redis/client.hpp"

namespace redisops {

/// Every command `ratelimit` sends, its scripts' calls included: the scripts (EVALSHA, SCRIPT
/// LOAD), TIME inside them and for the fixed window's alignment, and SCAN + DEL for reset.
inline constexpr const char* kRateLimitCommands[] = {
    "scan",   "evalsha",   "script|load", "time",   "del",    "get",           "set",
    "incrby", "pexpireat", "zadd",        "zcount", "zrange", "zrangebyscore", "zremrangebyscore"};

/// What one limit is: LIMIT units per WINDOW under KEY, counted by ALGORITHM.
struct RateLimit {
    std::string key;
    std::string prefix = "ratelimit:";
    Algorithm algorithm = Algorithm::Sliding;
    long long limit = 0;
    std::chrono::milliseconds window{0};
    long long cost = 1;
};

/// The largest --limit: a sliding log keeps one entry per unit, so it is capped lower.
inline constexpr long long kMaxLimit = 1'000'000'000;
inline constexpr long long kMaxSlidingLimit = 1'000'000;

/// Throws UsageError naming the flag (--limit, --window, --cost) or KEY.
void validate(const RateLimit& rl);

/// The answer to a hit or a peek.
struct RateDecision {
    bool allowed = false;
    long long limit = 0;
    long long remaining = 0;       // units left after this hit (a peek: left now)
    long long retry_after_ms = 0;  // 0 when allowed; -1 when cost > limit (never possible)
    long long reset_after_ms = 0;  // until remaining is back to limit
    std::string redis_key;         // the key the decision was made on
};

/// Consumes `cost` units when they fit. ReplyError (exit 4) when a key holds another type,
/// with the key named.
RateDecision hit(Client& client, const RateLimit& rl);
/// The same decision without consuming anything.
RateDecision peek(Client& client, const RateLimit& rl);

/// Deletes the state of the given algorithm (every algorithm when nullopt); returns the keys
/// that existed. Fixed windows are found with SCAN on the node that owns the limit's slot,
/// since the window length (and so the index) is not known here.
std::vector<std::string> reset(Client& client, std::string_view prefix, std::string_view key,
                               std::optional<Algorithm> algorithm);

}  // namespace redisops
