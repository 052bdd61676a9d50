// A throttled SCAN of every key under a prefix, on every master of a cluster, with a few
// per-key commands pipelined behind each page. It is how layouts without an index
// (connect-redis) answer "which sessions does user 42 have", and how `session stats` counts.
// The SCAN itself is redis/scan_cursor's, one walk per master.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/client.hpp"

namespace redisops {

struct PrefixScanOptions {
    std::string prefix;
    double rate = 0;      // keys per second per node; 0: as fast as the server answers
    size_t count = 1000;  // SCAN COUNT when not throttled
    /// The commands sent for each key, in order; argv[1] is replaced by the key
    /// ({"GET", ""} sends GET <key>; {"HMGET", "", "user_id"} …).
    std::vector<Args> per_key;
    std::string match = "*";  // glob after the literal prefix: SCAN MATCH <prefix><match>
};

/// One page: its keys (each at most once per walk), and per_key.size() replies per key, in
/// order; WRONGTYPE replies stay in place (they tell a hash from a string), any other error
/// reply throws ReplyError from scan_prefix.
struct PrefixPage {
    Connection& conn;  // the node that served the page, for follow-up commands
    const std::vector<std::string>& keys;
    const std::vector<Reply>& replies;
};

struct PrefixScanResult {
    uint64_t keys = 0;  // distinct keys seen
    size_t nodes = 0;   // masters scanned
    std::string match;  // the SCAN MATCH pattern used
};

/// Scans; `progress` (may be empty) hears the running key count after each page. A lost
/// connection throws ConnectionError; the caller reports the walk as cut short.
PrefixScanResult scan_prefix(Client& client, const PrefixScanOptions& opts,
                             const std::function<void(const PrefixPage&)>& page,
                             const std::function<void(uint64_t)>& progress);

}  // namespace redisops
