// `session stats`: how many sessions a keyspace holds, how many never expire, how long the
// others still live, and who holds the most. One throttled SCAN per layout prefix; memory
// stays bounded: a 64-bit fingerprint per key (to count each once), fixed TTL buckets, and a
// per-user count capped at kMaxTrackedUsers distinct users (later users' sessions go to
// `other_user_sessions`, so the sum stays exact).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "redis/client.hpp"
#include "session/connect_session.hpp"
#include "session/session_layout.hpp"

namespace redisops {

inline constexpr size_t kMaxTrackedUsers = 100000;

/// Every command `session stats` sends, for --print-acl: a SCAN of each layout's prefix with
/// PTTL, GET and HMGET of each key pipelined behind the page.
inline constexpr const char* kSessionStatsCommands[] = {"scan", "pttl", "get", "hmget"};

/// Upper bounds (exclusive) of the TTL buckets in milliseconds; the last bucket is open.
inline constexpr std::array<long long, 7> kTtlBucketBounds{
    60LL * 1000,           // < 1m
    3600LL * 1000,         // < 1h
    86400LL * 1000,        // < 1d
    7 * 86400LL * 1000,    // < 7d
    30 * 86400LL * 1000,   // < 30d
    90 * 86400LL * 1000,   // < 90d
    365 * 86400LL * 1000,  // < 365d; then >= 365d
};

struct SessionStats {
    uint64_t sessions = 0;
    uint64_t no_ttl = 0;
    uint64_t keys_scanned = 0;
    uint64_t not_sessions = 0;  // keys under a prefix that are no session (wrong type, bad JSON)
    std::array<uint64_t, kTtlBucketBounds.size() + 1> ttl_buckets{};
    std::vector<std::pair<LayoutKind, uint64_t>> by_layout;  // sessions per layout read
    std::vector<std::string> matches;                        // the SCAN patterns
    size_t nodes = 0;
    uint64_t sessions_without_user = 0;
    std::unordered_map<std::string, uint64_t> users;  // at most kMaxTrackedUsers entries
    uint64_t other_user_sessions = 0;                 // of users beyond the cap

    void add(LayoutKind layout, long long pttl, const std::optional<std::string>& user);
    /// The `n` users with most sessions, most first (ties by name).
    std::vector<std::pair<std::string, uint64_t>> top_users(size_t n) const;
};

/// Scans the prefixes of `layout` (auto: all three layouts') and tallies what it finds.
SessionStats session_stats(Client& client, const SessionLayout& layout, const SessionScan& scan);

}  // namespace redisops
