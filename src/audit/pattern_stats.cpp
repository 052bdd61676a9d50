#include "audit/pattern_stats.hpp"

namespace redisops {

void PatternStats::add(std::string_view key, uint64_t bytes, const KeyTimes& t) {
    if (t.pttl_ms < 0)
        ++no_ttl;
    else
        ttl_ms.add(static_cast<uint64_t>(t.pttl_ms));
    if (t.idle) idle.add(*t.idle);
    if (t.idle_over) {
        ++idle_over;
        idle_over_bytes += bytes;
        if (idle_over_examples.size() < kExamples && key.size() <= kMaxExampleBytes)
            idle_over_examples.emplace_back(key);
    }
}

void PatternStats::merge(const PatternStats& o) {
    no_ttl += o.no_ttl;
    ttl_ms.merge(o.ttl_ms);
    idle.merge(o.idle);
    idle_over += o.idle_over;
    idle_over_bytes += o.idle_over_bytes;
    for (const auto& ex : o.idle_over_examples) {
        if (idle_over_examples.size() >= kExamples) break;
        idle_over_examples.push_back(ex);
    }
}

}  // namespace redisops
