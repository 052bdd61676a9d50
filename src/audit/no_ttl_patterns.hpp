// Keys without a TTL, grouped by pattern, with a cap on distinct patterns: the rest land in
// `other`, so the entries always sum to the number of keys added.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/pattern_stats.hpp"

namespace redisops {

struct PatternCount {
    std::string pattern;
    uint64_t keys = 0;
    uint64_t bytes = 0;
    std::vector<std::string> examples;  // a few keys, each at most kMaxExampleBytes
    std::optional<PatternStats> stats;  // when keys were added with their KeyTimes
};

class NoTtlPatterns {
  public:
    static constexpr size_t kExamples = 3;
    static constexpr size_t kMaxExampleBytes = 512;

    explicit NoTtlPatterns(size_t max_patterns) : max_patterns_(max_patterns) {}

    void add(std::string_view key, uint64_t bytes);
    /// Also keeps the pattern's TTL range, idle times and idle keys (the every-key table).
    void add(std::string_view key, uint64_t bytes, const KeyTimes& times);
    /// Folds another node's table in, keeping the cap.
    void merge(const NoTtlPatterns& other);
    /// Patterns by keys (then bytes) descending; ambiguous literals (`session:abc`) folded into
    /// their starred sibling (`session:*`) when it exists.
    std::vector<PatternCount> sorted() const;
    /// Keys that fell outside the cap.
    const PatternCount& other() const { return other_; }
    size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        uint64_t keys = 0;
        uint64_t bytes = 0;
        std::string loose;
        std::vector<std::string> examples;
        std::optional<PatternStats> stats;
    };
    void add_to(Entry& e, std::string_view key, uint64_t bytes, const KeyTimes* times);
    void add_key(std::string_view key, uint64_t bytes, const KeyTimes* times);
    static void absorb(Entry& into, const Entry& from);

    size_t max_patterns_;
    std::unordered_map<std::string, Entry> entries_;
    PatternCount other_{"other", 0, 0, {}, std::nullopt};
};

}  // namespace redisops
