// `lock list`: the locks held under a prefix, found by a SCAN of the prefix on every master
// (session/prefix_scan's walk), with their TTL, fence and holder read in pipelines per page.
// The companion keys ({lock:<name>}:fence, :holder) are not locks and are skipped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lock/holder.hpp"
#include "redis/client.hpp"

namespace redisops {

struct LockListOptions {
    std::string prefix = "lock:";
    std::string match = "*";  // glob over the lock name (what follows the prefix)
    double rate = 0;          // keys a second per node; 0: as fast as the server answers
    std::function<void(uint64_t)> progress;  // hears the keys scanned so far (may be empty)
};

struct ListedLock {
    std::string name;
    std::string key;
    std::optional<std::chrono::milliseconds> ttl;  // nullopt: no TTL
    long long fence = 0;
    std::optional<HolderRecord> holder;
    long long server_now_ms = 0;  // the clock of the node that holds it
};

struct LockListing {
    std::vector<ListedLock> locks;  // sorted by key
    uint64_t keys_scanned = 0;
    size_t nodes = 0;
};

/// True for `{<lock key>}:fence` and `:holder` (and their forms for keys with a hash tag).
bool is_lock_companion(std::string_view key);

/// Throws UsageError for prefix '' without a match narrower than "*": the whole keyspace is
/// not a set of locks.
LockListing list_locks(Client& client, const LockListOptions& opts);

}  // namespace redisops
