#include "audit/tally.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace redisops {

size_t MemoryHistogram::bucket_of(uint64_t v) {
    if (v < kSub) return static_cast<size_t>(v);
    int e = static_cast<int>(std::bit_width(v)) - 1;  // 4..63
    size_t sub = static_cast<size_t>((v >> (e - 4)) & (kSub - 1));
    return kSub + static_cast<size_t>(e - 4) * kSub + sub;
}

uint64_t MemoryHistogram::upper_bound_of(size_t b) {
    if (b < kSub) return b;
    size_t e = (b - kSub) / kSub + 4;
    uint64_t sub = (b - kSub) % kSub;
    uint64_t low = (uint64_t{1} << e) | (sub << (e - 4));
    return low + ((uint64_t{1} << (e - 4)) - 1);
}

void MemoryHistogram::add(uint64_t v) {
    ++counts_[bucket_of(v)];
    ++count_;
    max_ = std::max(max_, v);
}

void MemoryHistogram::merge(const MemoryHistogram& o) {
    for (size_t i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    count_ += o.count_;
    max_ = std::max(max_, o.max_);
}

uint64_t MemoryHistogram::percentile(double q) const {
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

uint64_t MemoryHistogram::count_below(uint64_t bound) const {
    if (bound == 0) return 0;
    if (bound > max_) return count_;
    uint64_t n = 0;
    for (size_t i = 0; i < kBuckets && upper_bound_of(i) < bound; ++i) n += counts_[i];
    return n;
}

bool TopKeys::wants(uint64_t s, std::string_view key) const {
    if (capacity_ == 0) return false;
    if (heap_.size() < capacity_) return true;
    const KeyEntry& least = heap_.front();
    uint64_t ls = score(least);
    return s > ls || (s == ls && key < least.key);
}

void TopKeys::push(KeyEntry e) {
    auto greater = [this](const KeyEntry& a, const KeyEntry& b) {
        uint64_t sa = score(a), sb = score(b);
        return sa != sb ? sa > sb : a.key < b.key;
    };
    if (heap_.size() >= capacity_) {
        std::pop_heap(heap_.begin(), heap_.end(), greater);
        heap_.pop_back();
    }
    heap_.push_back(std::move(e));
    std::push_heap(heap_.begin(), heap_.end(), greater);
}

void TopKeys::offer(const KeyFacts& k) {
    uint64_t s = by_ == By::Bytes ? k.bytes : k.elements.value_or(0);
    if (!wants(s, k.key)) return;  // the common case allocates nothing
    push(KeyEntry{std::string(k.key), std::string(k.type), k.bytes, k.elements});
}

void TopKeys::offer(const KeyEntry& e) {
    if (wants(score(e), e.key)) push(e);
}

void TopKeys::merge(const TopKeys& o) {
    for (const auto& e : o.heap_) offer(e);
}

std::vector<KeyEntry> TopKeys::sorted() const {
    std::vector<KeyEntry> out = heap_;
    std::sort(out.begin(), out.end(), [this](const KeyEntry& a, const KeyEntry& b) {
        uint64_t sa = score(a), sb = score(b);
        return sa != sb ? sa > sb : a.key < b.key;
    });
    return out;
}

TtlBucket ttl_bucket(long long pttl_ms) {
    constexpr long long kHour = 3600'000;
    if (pttl_ms < 0) return kNoExpiry;
    if (pttl_ms < kHour) return kUnder1h;
    if (pttl_ms < 24 * kHour) return kUnder24h;
    if (pttl_ms < 7 * 24 * kHour) return kUnder7d;
    return kOver7d;
}

KeyspaceTally::KeyspaceTally(const TallyLimits& l)
    : limits(l),
      top(l.top, TopKeys::By::Bytes),
      big_by_bytes(l.max_big_keys, TopKeys::By::Bytes),
      big_by_elements(l.big_elements ? l.max_big_keys : 0, TopKeys::By::Elements),
      no_ttl_patterns(l.max_patterns),
      patterns(l.max_patterns) {}

bool KeyspaceTally::is_big(const KeyFacts& k) const {
    if (k.bytes >= limits.big_bytes) return true;
    // STRLEN is a string's element count, but its size is what --big-bytes already checks.
    return limits.big_elements && k.elements && k.type != "string" &&
           *k.elements >= *limits.big_elements;
}

void KeyspaceTally::add(const KeyFacts& k, bool is_ignored) {
    ++keys;
    total_bytes += k.bytes;
    if (auto it = types.find(k.type); it != types.end())
        ++it->second;
    else
        types.emplace(std::string(k.type), 1);
    if (auto it = type_bytes.find(k.type); it != type_bytes.end())
        it->second += k.bytes;
    else
        type_bytes.emplace(std::string(k.type), k.bytes);
    patterns.add(k.key, k.bytes);
    ++ttl[ttl_bucket(k.pttl_ms)];
    memory.add(k.bytes);
    top.offer(k);
    if (k.bytes >= limits.big_bytes) {
        ++big;
        big_by_bytes.offer(k);
    } else if (is_big(k)) {
        ++big;
        big_by_elements.offer(k);
    }
    if (is_ignored) {
        ++ignored;
    } else if (k.pttl_ms < 0) {
        ++no_ttl;
        no_ttl_bytes += k.bytes;
        no_ttl_patterns.add(k.key, k.bytes);
    }
}

void KeyspaceTally::merge(const KeyspaceTally& o) {
    keys += o.keys;
    ignored += o.ignored;
    total_bytes += o.total_bytes;
    no_ttl += o.no_ttl;
    no_ttl_bytes += o.no_ttl_bytes;
    big += o.big;
    for (const auto& [t, n] : o.types) types[t] += n;
    for (const auto& [t, n] : o.type_bytes) type_bytes[t] += n;
    patterns.merge(o.patterns);
    for (size_t i = 0; i < ttl.size(); ++i) ttl[i] += o.ttl[i];
    memory.merge(o.memory);
    top.merge(o.top);
    big_by_bytes.merge(o.big_by_bytes);
    big_by_elements.merge(o.big_by_elements);
    no_ttl_patterns.merge(o.no_ttl_patterns);
}

std::vector<KeyEntry> KeyspaceTally::big_keys() const {
    std::vector<KeyEntry> out = big_by_bytes.sorted();
    for (auto& e : big_by_elements.sorted()) out.push_back(std::move(e));
    return out;
}

}  // namespace redisops
