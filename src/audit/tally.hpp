// Streaming aggregates of an audit: everything it reports is computed key by key in bounded
// memory (counters, a log-bucketed histogram, bounded heaps), never from a list of keys.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/log_histogram.hpp"
#include "audit/no_ttl_patterns.hpp"
#include "audit/policy_tally.hpp"

namespace redisops {

/// What one key looks like: TYPE, PTTL, MEMORY USAGE and (optionally) its element count.
struct KeyFacts {
    std::string_view key;
    std::string_view type;
    long long pttl_ms = -1;  // -1: no expiry
    uint64_t bytes = 0;
    std::optional<uint64_t> elements;
    std::optional<uint64_t> idle_s = std::nullopt;  // --idle: OBJECT IDLETIME (or an RDB's IDLE)
    std::optional<uint64_t> freq =
        std::nullopt;  // --idle under an LFU policy: OBJECT FREQ (or an RDB's FREQ)
};

struct KeyEntry {
    std::string key;
    std::string type;
    uint64_t bytes = 0;
    std::optional<uint64_t> elements;
};

/// The N largest keys by a score (bytes or elements): a bounded min-heap.
class TopKeys {
  public:
    enum class By { Bytes, Elements };
    TopKeys(size_t capacity, By by) : capacity_(capacity), by_(by) {}
    void offer(const KeyFacts& k);
    void offer(const KeyEntry& e);
    void merge(const TopKeys& o);
    /// Largest first; ties by key name so output is stable.
    std::vector<KeyEntry> sorted() const;

  private:
    uint64_t score(const KeyEntry& e) const {
        return by_ == By::Bytes ? e.bytes : e.elements.value_or(0);
    }
    bool wants(uint64_t s, std::string_view key) const;
    void push(KeyEntry e);
    size_t capacity_;
    By by_;
    std::vector<KeyEntry> heap_;  // min-heap on (score, key)
};

struct TallyLimits {
    uint64_t big_bytes = 100 * uint64_t{1024};
    std::optional<uint64_t> big_elements;
    size_t top = 10;
    size_t max_patterns = 1000;
    size_t max_big_keys = 1000;             // big keys listed; the count covers them all
    std::optional<long long> idle_over_ms;  // --idle-over D: no-TTL keys idle longer than D
    std::shared_ptr<const Policy> policy;   // --policy: its ttl rules replace the no-ttl check
};

/// TTL buckets: no expiry, < 1h, 1h-24h, 1d-7d, >= 7d.
enum TtlBucket { kNoExpiry, kUnder1h, kUnder24h, kUnder7d, kOver7d, kTtlBuckets };
TtlBucket ttl_bucket(long long pttl_ms);

class KeyspaceTally {
  public:
    explicit KeyspaceTally(const TallyLimits& limits);
    /// One key, counted once. `ignored` keys may lack a TTL (--ignore): they count everywhere
    /// except in the no-TTL check.
    void add(const KeyFacts& k, bool ignored);
    void merge(const KeyspaceTally& o);

    TallyLimits limits;
    uint64_t keys = 0;
    uint64_t ignored = 0;
    uint64_t total_bytes = 0;
    uint64_t no_ttl = 0;
    uint64_t no_ttl_bytes = 0;
    uint64_t big = 0;        // keys over --big-bytes or --big-elements
    uint64_t with_idle = 0;  // keys whose idle time was read
    uint64_t with_freq = 0;  // keys whose LFU counter was read
    uint64_t idle_over = 0;  // no TTL, not --ignore'd, idle longer than --idle-over
    uint64_t idle_over_bytes = 0;
    std::map<std::string, uint64_t, std::less<>> types;
    std::map<std::string, uint64_t, std::less<>> type_bytes;  // memory by type
    std::array<uint64_t, kTtlBuckets> ttl{};
    MemoryHistogram memory;
    TopKeys top;
    TopKeys big_by_bytes;
    TopKeys big_by_elements;
    NoTtlPatterns no_ttl_patterns;
    std::optional<PolicyTally> policy;  // --policy violations
    NoTtlPatterns patterns;  // every key (TTL or not) by pattern, with its TTL range and idle times

    bool is_big(const KeyFacts& k) const;
    /// Big keys by bytes, then those big only by elements; largest first.
    std::vector<KeyEntry> big_keys() const;
};

}  // namespace redisops
