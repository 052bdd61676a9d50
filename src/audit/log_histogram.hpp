// Percentiles in bounded memory: counters in log-spaced buckets (Sub per power of two), so a
// percentile is the upper edge of its bucket, within 1/Sub relative error of the true value.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace redisops {

/// `Sub` buckets per power of two (a power of two itself); values of `Bits` bits or more share
/// the last bucket (the max stays exact).
template <size_t Sub, size_t Bits, typename Counter>
class LogHistogram {
    static constexpr int kSubBits = std::countr_zero(Sub);
    static_assert((size_t{1} << kSubBits) == Sub && Bits > static_cast<size_t>(kSubBits));

  public:
    static constexpr size_t kSub = Sub;
    static constexpr size_t kBuckets = Sub + (Bits - static_cast<size_t>(kSubBits)) * Sub;

    void add(uint64_t v) {
        ++counts_[bucket_of(v)];
        if (count_ == 0 || v < min_) min_ = v;
        ++count_;
        max_ = std::max(max_, v);
    }
    void merge(const LogHistogram& o) {
        if (o.count_ == 0) return;
        for (size_t i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
        min_ = count_ == 0 ? o.min_ : std::min(min_, o.min_);
        count_ += o.count_;
        max_ = std::max(max_, o.max_);
    }
    /// The smallest bucket bound that covers q (0..1) of the values, capped at the max seen.
    uint64_t percentile(double q) const {
        if (count_ == 0) return 0;
        auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
        rank = std::clamp<uint64_t>(rank, 1, count_);
        uint64_t seen = 0;
        for (size_t i = 0; i < kBuckets; ++i) {
            seen += counts_[i];
            if (seen >= rank) return std::min(upper_bound_of(i), max_);
        }
        return max_;
    }
    uint64_t count() const { return count_; }
    uint64_t max() const { return max_; }
    uint64_t min() const { return min_; }
    /// Values below `bound`; exact when `bound` is below Sub or a power of two (bucket edges).
    uint64_t count_below(uint64_t bound) const {
        if (bound == 0) return 0;
        if (bound > max_) return count_;
        uint64_t n = 0;
        for (size_t i = 0; i < kBuckets && upper_bound_of(i) < bound; ++i) n += counts_[i];
        return n;
    }

  private:
    static size_t bucket_of(uint64_t v) {
        if (v < Sub) return static_cast<size_t>(v);
        int e = static_cast<int>(std::bit_width(v)) - 1;
        size_t sub = static_cast<size_t>((v >> (e - kSubBits)) & (Sub - 1));
        return std::min(kBuckets - 1, Sub + static_cast<size_t>(e - kSubBits) * Sub + sub);
    }
    static uint64_t upper_bound_of(size_t b) {
        if (b < Sub) return b;
        if (b == kBuckets - 1 && Bits < 64) return std::numeric_limits<uint64_t>::max();
        size_t e = (b - Sub) / Sub + static_cast<size_t>(kSubBits);
        uint64_t sub = (b - Sub) % Sub;
        uint64_t low = (uint64_t{1} << e) | (sub << (e - static_cast<size_t>(kSubBits)));
        return low + ((uint64_t{1} << (e - static_cast<size_t>(kSubBits))) - 1);
    }
    std::array<Counter, kBuckets> counts_{};
    uint64_t count_ = 0;
    uint64_t min_ = 0;
    uint64_t max_ = 0;
};

/// MEMORY USAGE per key: 1/16 (6.25 %) relative error from ~1000 counters.
using MemoryHistogram = LogHistogram<16, 64, uint64_t>;

/// A pattern's TTLs (ms) or idle times (s): 1/8 (12.5 %) relative error, 2^40 and up in the
/// last bucket (35 years of ms), about 1.2 KB per histogram.
using SpanHistogram = LogHistogram<8, 40, uint32_t>;

}  // namespace redisops
