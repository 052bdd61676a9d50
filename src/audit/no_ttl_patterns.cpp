#include "audit/no_ttl_patterns.hpp"

#include <algorithm>

#include "util/pattern.hpp"

namespace redisops {

namespace {

void merge_stats(std::optional<PatternStats>& into, const std::optional<PatternStats>& from) {
    if (!from) return;
    if (into)
        into->merge(*from);
    else
        into = from;
}

}  // namespace

void NoTtlPatterns::add_to(Entry& e, std::string_view key, uint64_t bytes, const KeyTimes* times) {
    ++e.keys;
    e.bytes += bytes;
    if (times) {
        if (!e.stats) e.stats.emplace();
        e.stats->add(key, bytes, *times);
    }
    if (e.examples.size() < kExamples && key.size() <= kMaxExampleBytes)
        e.examples.emplace_back(key);
}

void NoTtlPatterns::absorb(Entry& into, const Entry& from) {
    into.keys += from.keys;
    into.bytes += from.bytes;
    merge_stats(into.stats, from.stats);
    for (const auto& ex : from.examples) {
        if (into.examples.size() >= kExamples) break;
        into.examples.push_back(ex);
    }
}

void NoTtlPatterns::add(std::string_view key, uint64_t bytes) { add_key(key, bytes, nullptr); }

void NoTtlPatterns::add(std::string_view key, uint64_t bytes, const KeyTimes& times) {
    add_key(key, bytes, &times);
}

void NoTtlPatterns::add_key(std::string_view key, uint64_t bytes, const KeyTimes* times) {
    KeyShape shape = shape_of(key);
    if (shape.loose != shape.pattern) {
        if (auto it = entries_.find(shape.loose); it != entries_.end()) {
            add_to(it->second, key, bytes, times);
            return;
        }
    }
    auto it = entries_.find(shape.pattern);
    if (it == entries_.end()) {
        if (entries_.size() >= max_patterns_) {
            ++other_.keys;
            other_.bytes += bytes;
            if (times) {
                if (!other_.stats) other_.stats.emplace();
                other_.stats->add(key, bytes, *times);
            }
            return;
        }
        it = entries_
                 .emplace(std::move(shape.pattern),
                          Entry{0, 0, std::move(shape.loose), {}, std::nullopt})
                 .first;
    }
    add_to(it->second, key, bytes, times);
}

void NoTtlPatterns::merge(const NoTtlPatterns& other) {
    for (const auto& [pattern, entry] : other.entries_) {
        auto it = entries_.find(pattern);
        if (it == entries_.end()) {
            if (entries_.size() >= max_patterns_) {
                other_.keys += entry.keys;
                other_.bytes += entry.bytes;
                merge_stats(other_.stats, entry.stats);
                continue;
            }
            it = entries_.emplace(pattern, Entry{0, 0, entry.loose, {}, std::nullopt}).first;
        }
        absorb(it->second, entry);
    }
    other_.keys += other.other_.keys;
    other_.bytes += other.other_.bytes;
    merge_stats(other_.stats, other.other_.stats);
}

std::vector<PatternCount> NoTtlPatterns::sorted() const {
    // Fold `session:abc` into `session:*` when the walk saw ids at that position; literals
    // seen before their first starred sibling stayed apart until now.
    std::unordered_map<std::string, Entry> folded;
    for (const auto& [pattern, entry] : entries_) {
        if (entry.loose == pattern || !entries_.contains(entry.loose))
            absorb(folded[pattern], entry);
    }
    for (const auto& [pattern, entry] : entries_) {
        if (entry.loose != pattern && entries_.contains(entry.loose))
            absorb(folded[entry.loose], entry);
    }
    std::vector<PatternCount> out;
    out.reserve(folded.size());
    for (auto& [pattern, entry] : folded) {
        out.push_back(
            {pattern, entry.keys, entry.bytes, std::move(entry.examples), std::move(entry.stats)});
    }
    std::sort(out.begin(), out.end(), [](const PatternCount& a, const PatternCount& b) {
        if (a.keys != b.keys) return a.keys > b.keys;
        if (a.bytes != b.bytes) return a.bytes > b.bytes;
        return a.pattern < b.pattern;
    });
    return out;
}

}  // namespace redisops
