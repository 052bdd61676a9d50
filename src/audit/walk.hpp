// One node's keyspace walk: SCAN pages, and for each new key TYPE + PTTL + MEMORY USAGE (and
// an element count with --big-elements), all pipelined and overlapped with the next SCAN.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/tally.hpp"
#include "redis/connection.hpp"
#include "util/enum_table.hpp"
#include "util/fingerprint_set.hpp"

namespace redisops {

/// The core key types (TYPE's replies, --type's names), each with its O(1) length command.
/// SCAN TYPE also takes a module's type name, so --type is not limited to these.
inline constexpr EnumTable kKeyTypes{"type",
                                     std::array{
                                         EnumName<std::string_view>{"string", "STRLEN", "strings"},
                                         EnumName<std::string_view>{"list", "LLEN", "lists"},
                                         EnumName<std::string_view>{"set", "SCARD", "sets"},
                                         EnumName<std::string_view>{"zset", "ZCARD", "sorted sets"},
                                         EnumName<std::string_view>{"hash", "HLEN", "hashes"},
                                         EnumName<std::string_view>{"stream", "XLEN", "streams"},
                                     }};

/// What --idle reads per key, in the same pipeline; neither touches LRU/LFU.
enum class IdleRead { None, IdleTime, Freq };

struct WalkOptions {
    std::string match;                    // pushed to SCAN MATCH
    std::string type;                     // pushed to SCAN TYPE
    std::vector<std::string> ignore;      // globs of keys allowed to have no TTL
    size_t count = 1000;                  // SCAN COUNT
    bool element_counts = false;          // STRLEN/HLEN/LLEN/SCARD/ZCARD/XLEN per key
    bool idle = false;                    // --idle: read each key's idle time (or LFU counter)
    IdleRead idle_read = IdleRead::None;  // per node, from its maxmemory-policy
    double rate = 0;                      // keys per second; 0: as fast as the server answers
    size_t expected_keys = 0;             // pre-sizes the fingerprint set
    // Cluster: ASKING before each per-key command. SCAN on a node importing a slot lists the
    // keys already moved there, and without ASKING they answer MOVED (the slot is still the
    // other node's), so they would be counted by neither node.
    bool asking = false;
};

/// Counters another thread may read while the walk runs (progress lines).
struct WalkProgress {
    std::atomic<uint64_t> keys{0};
    std::atomic<uint64_t> expected{0};  // INFO keyspace's count before the walk
    std::atomic<bool> done{false};
};

struct WalkResult {
    explicit WalkResult(const TallyLimits& limits) : tally(limits) {}
    KeyspaceTally tally;
    bool complete = false;
    std::string error;        // why the walk stopped early
    uint64_t duplicates = 0;  // keys SCAN returned more than once, counted once
    uint64_t vanished = 0;    // keys that expired or were deleted between SCAN and TYPE
    uint64_t scan_calls = 0;
    std::chrono::milliseconds longest_call{0};
    std::chrono::milliseconds duration{0};
    std::optional<bool> no_touch;    // CLIENT NO-TOUCH ON accepted (only asked with element counts)
    std::string no_touch_error;      // CLIENT NO-TOUCH's refusal (too old, or not allowed)
    std::string memory_unavailable;  // MEMORY USAGE's refusal: sizes unknown (not zero)
    std::string idle_refused;        // the server's error to OBJECT IDLETIME/FREQ, if it gave one
};

/// Walks the keyspace of the db `conn` has selected. A lost connection or a timeout ends the
/// walk with complete=false and what was seen so far; error replies (NOPERM …) throw.
void walk_keyspace(Connection& conn, const WalkOptions& opts, WalkProgress& progress,
                   WalkResult& result);

}  // namespace redisops
