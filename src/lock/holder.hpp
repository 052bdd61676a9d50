// Who holds a lock: the `{lock:<name>}:holder` HASH that lock_acquire.lua writes beside the
// lock (same slot, same TTL, renewed with it, deleted with it). It names a process for a
// person debugging a stuck lock; it never holds the token.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.hpp"

namespace redisops {

/// What the acquiring side records.
struct LockHolder {
    std::string host;
    long long pid = 0;
    std::string user;
    std::string command;  // argv joined shell-quoted, at most kHolderCommandMax bytes
};

inline constexpr size_t kHolderCommandMax = 256;

/// argv joined with spaces, each word quoted for a POSIX shell when it needs it, cut at a
/// UTF-8 boundary to at most `max` bytes.
std::string shell_join(const std::vector<std::string>& argv, size_t max = kHolderCommandMax);

/// `lock run`: this process (redis-ops forwards signals to the command and releases the lock
/// when it ends, so `kill PID` is the clean way to stop the holder), running `argv`.
LockHolder holder_running(const std::vector<std::string>& argv);
/// `lock acquire`: redis-ops exits at once, so the holder is the process that ran it (its
/// parent: the script that goes on to use the lock), with that process's command line when
/// /proc shows it.
LockHolder holder_calling();

/// The record as read back (HGETALL), with what the acquire script added.
struct HolderRecord {
    std::string host;
    long long pid = 0;
    std::string user;
    std::string command;
    long long started_at_ms = 0;  // server time (unix ms) when the lock was taken
    long long renewals = 0;
};

/// From an HGETALL reply; nullopt for an empty hash (no record: a lock another tool wrote).
std::optional<HolderRecord> parse_holder(const Reply& hgetall);

}  // namespace redisops
