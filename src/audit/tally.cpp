#include "audit/tally.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "audit/idle.hpp"

namespace redisops {

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
    constexpr long long kDay = 24 * kHour;
    if (pttl_ms < 0) return kNoExpiry;
    if (pttl_ms < kHour) return kUnder1h;
    if (pttl_ms < kDay) return kUnder24h;
    if (pttl_ms < 7 * kDay) return kUnder7d;
    return kOver7d;
}

KeyspaceTally::KeyspaceTally(const TallyLimits& l)
    : limits(l),
      top(l.top, TopKeys::By::Bytes),
      big_by_bytes(l.max_big_keys, TopKeys::By::Bytes),
      big_by_elements(l.big_elements ? l.max_big_keys : 0, TopKeys::By::Elements),
      no_ttl_patterns(l.max_patterns),
      patterns(l.max_patterns) {
    if (l.policy) policy.emplace(l.policy, l.max_patterns);
}

bool KeyspaceTally::is_big(const KeyFacts& k) const {
    if (k.bytes >= limits.big_bytes) return true;
    // STRLEN is a string's element count, but its size is what --big-bytes already checks.
    return limits.big_elements && k.elements && k.type != "string" &&
           *k.elements >= *limits.big_elements;
}

void KeyspaceTally::add(const KeyFacts& k, bool is_ignored) {
    if (policy && !is_ignored) {
        // --ignore stays, as a first rule `ttl: optional`; the policy's ttl rules decide the rest.
        const PolicyRule& rule =
            policy->add({k.key, k.type, k.pttl_ms, k.bytes, k.elements, k.idle_s});
        is_ignored = is_ignored || rule.ttl_exempt();
    }
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
    KeyTimes times{k.pttl_ms, k.idle_s ? k.idle_s : k.freq, false};
    if (k.idle_s) ++with_idle;
    if (k.freq) ++with_freq;
    if (limits.idle_over_ms && k.idle_s && k.pttl_ms < 0 && !is_ignored &&
        idle_longer_than(static_cast<long long>(*k.idle_s), *limits.idle_over_ms)) {
        times.idle_over = true;
        ++idle_over;
        idle_over_bytes += k.bytes;
    }
    patterns.add(k.key, k.bytes, times);
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
    with_idle += o.with_idle;
    with_freq += o.with_freq;
    idle_over += o.idle_over;
    idle_over_bytes += o.idle_over_bytes;
    for (const auto& [t, n] : o.types) types[t] += n;
    for (const auto& [t, n] : o.type_bytes) type_bytes[t] += n;
    patterns.merge(o.patterns);
    for (size_t i = 0; i < ttl.size(); ++i) ttl[i] += o.ttl[i];
    memory.merge(o.memory);
    top.merge(o.top);
    big_by_bytes.merge(o.big_by_bytes);
    big_by_elements.merge(o.big_by_elements);
    no_ttl_patterns.merge(o.no_ttl_patterns);
    if (policy && o.policy) policy->merge(*o.policy);
}

std::vector<KeyEntry> KeyspaceTally::big_keys() const {
    std::vector<KeyEntry> out = big_by_bytes.sorted();
    for (auto& e : big_by_elements.sorted()) out.push_back(std::move(e));
    return out;
}

}  // namespace redisops
