// What the per-pattern table keeps beside counts and bytes: how many keys lack a TTL, the
// spread of TTLs, of idle times (or LFU frequencies) and the idle keys without a TTL -- all in
// bounded histograms, so a pattern of a million keys costs what a pattern of ten does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/log_histogram.hpp"

namespace redisops {

/// The time-related facts of one key, as the pattern table takes them.
struct KeyTimes {
    long long pttl_ms = -1;        // -1: no expiry
    std::optional<uint64_t> idle;  // OBJECT IDLETIME seconds, or OBJECT FREQ under LFU
    bool idle_over = false;        // no TTL and idle longer than --idle-over
};

struct PatternStats {
    static constexpr size_t kExamples = 3;
    static constexpr size_t kMaxExampleBytes = 512;

    uint64_t no_ttl = 0;
    SpanHistogram ttl_ms;  // the keys with a TTL
    SpanHistogram idle;    // seconds, or LFU counters (see the report's idle source)
    uint64_t idle_over = 0;
    uint64_t idle_over_bytes = 0;
    std::vector<std::string> idle_over_examples;

    void add(std::string_view key, uint64_t bytes, const KeyTimes& t);
    void merge(const PatternStats& o);
};

}  // namespace redisops
