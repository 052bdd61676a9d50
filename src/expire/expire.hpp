// `expire`: gives keys a TTL, safely (never overwriting a TTL set meanwhile, never raising or
// removing one), throttled, on every master in parallel, with an undo log written before each
// change is sent.
//
// How a page of SCAN becomes changes, on each node:
//   1. one pipeline reads TIME and, per key, PEXPIRETIME (+ OBJECT IDLETIME with --idle-over,
//      + MEMORY USAGE with --dry-run); none of them touches the keys' LRU/LFU;
//   2. each key's new expiry is an absolute time, the server's TIME plus its (jittered) TTL;
//   3. the page's undo lines are written and fdatasync'ed;
//   4. one pipeline sends `PEXPIREAT key at NX` (no TTL) or `PEXPIREAT key at LT` (--shorten).
// PEXPIREAT rather than PEXPIRE: the logged new_expire_at_ms is then exactly what PEXPIRETIME
// answers afterwards, so --undo can compare it for equality. NX refuses a key that got a TTL
// between 1 and 4 (skipped_changed_meanwhile); LT refuses one whose TTL got shorter.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/no_ttl_patterns.hpp"
#include "redis/client.hpp"

namespace redisops {

class UndoLogWriter;
class StopFlag;

/// Every command `expire` and `expire --undo` send, in one place for least-privilege printing
/// (--print-acl): the walk, the reads, the writes, cluster redirects and the undo script.
inline constexpr const char* kExpireCommands[] = {
    "scan",      "time",       "pexpiretime", "object|idletime", "memory|usage",
    "pexpireat", "config|get", "evalsha",     "script|load",     "persist"};

struct ExpireOptions {
    std::vector<std::string> match;    // SCAN MATCH, one pass per glob (keys counted once)
    std::vector<std::string> exclude;  // applied client-side with the SCAN MATCH dialect
    std::string type;                  // SCAN TYPE
    std::chrono::milliseconds ttl{0};
    double jitter = 0;  // 0..<1: each TTL uniform in [ttl*(1-j), ttl*(1+j)]
    bool shorten = false;
    std::optional<std::chrono::milliseconds> idle_over;
    std::optional<uint64_t> limit;  // changes, over all nodes
    double rate = 0;                // keys a second per node
    size_t count = 200;             // SCAN COUNT: ~0.2 ms a page at 1M keys (1000: ~1 ms)
    size_t max_patterns = 1000;
    bool dry_run = false;
    UndoLogWriter* undo_log = nullptr;
};

/// Where each matched key ended up. matched = changed (would_change on a dry run) +
/// skipped_had_ttl + skipped_changed_meanwhile + skipped_not_idle + skipped_over_limit.
struct ExpireCounts {
    uint64_t scanned = 0;   // keys SCAN returned, each once
    uint64_t excluded = 0;  // by --exclude
    uint64_t vanished = 0;  // deleted or expired between SCAN and the read
    uint64_t matched = 0;
    uint64_t changed = 0;
    uint64_t would_change = 0;
    uint64_t skipped_had_ttl = 0;            // a TTL already (with --shorten: one <= the new)
    uint64_t skipped_changed_meanwhile = 0;  // NX/LT refused: something set a TTL meanwhile
    uint64_t skipped_not_idle = 0;           // --idle-over: used recently
    uint64_t skipped_over_limit = 0;         // read, but --limit was reached
    uint64_t duplicates = 0;                 // SCAN returned them again; counted once
    uint64_t redirected = 0;                 // followed to another node (a migrating slot)
    void add(const ExpireCounts& o);
};

struct ExpireNodeReport {
    std::string address;
    bool complete = false;
    std::string error;
    ExpireCounts counts;
};

struct ExpirePattern {
    std::string pattern;
    uint64_t keys = 0;  // selected: changed or would change, or refused meanwhile
    std::optional<uint64_t> bytes;
    uint64_t changed = 0;
};

struct ExpireReport {
    bool complete = false;  // every node walked to the end, nothing stopped it
    bool dry_run = false;
    bool limit_reached = false;
    bool interrupted = false;  // a stop was requested (SIGINT)
    bool bytes_known = false;
    ExpireCounts counts;
    std::vector<ExpireNodeReport> nodes;
    std::vector<ExpirePattern> patterns;
    std::vector<std::string> notes;
    std::chrono::milliseconds duration{0};
    /// An error reply (or a refused option) that stopped a node: rethrown by the caller after
    /// printing what was done, so it still exits 4 (or 2).
    std::exception_ptr failure;
};

/// Counters the progress line reads while the walk runs.
struct ExpireProgress {
    std::atomic<uint64_t> scanned{0};
    std::atomic<uint64_t> changed{0};
    std::atomic<double> fraction{0};  // of the node's SCAN passes, from the cursor
    std::atomic<bool> done{false};
};

using ExpireTick = std::function<void(uint64_t scanned, uint64_t changed, double fraction)>;

/// Runs expire on every master. Unreachable or lost nodes make it incomplete (not a throw);
/// `stop` ends every node after the page in flight. Throws UsageError before changing anything
/// when --idle-over cannot work (an LFU maxmemory-policy).
ExpireReport run_expire(Client& client, const ExpireOptions& opts, const StopFlag& stop,
                        const ExpireTick& tick = {});

}  // namespace redisops
