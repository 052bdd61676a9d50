#include "util/fingerprint_set.hpp"

#include <cstring>

namespace redisops {

namespace {

uint64_t mix(uint64_t a, uint64_t b) {
    unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

uint64_t load64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

constexpr uint64_t kP0 = 0xa0761d6478bd642full, kP1 = 0xe7037ed1a0b428dbull,
                   kP2 = 0x8ebc6af09c88c6e3ull;

}  // namespace

uint64_t key_fingerprint(std::string_view key) {
    uint64_t h = kP0 ^ (key.size() * kP1);
    const char* p = key.data();
    size_t n = key.size();
    while (n >= 16) {
        h = mix(load64(p) ^ kP1, load64(p + 8) ^ h);
        p += 16, n -= 16;
    }
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        a = load64(p);
        p += 8, n -= 8;
    }
    for (size_t i = 0; i < n; ++i)
        b |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    h = mix(a ^ kP1 ^ h, b ^ kP2);
    return mix(h ^ kP0, key.size() ^ kP2);
}

FingerprintSet::FingerprintSet(size_t expected)
    : slots_(std::max<size_t>(16, expected + expected / 3 + 1), 0) {}

bool FingerprintSet::insert(uint64_t fp) {
    if (fp == 0) fp = 1;
    if ((size_ + 1) * 4 > slots_.size() * 3) grow(slots_.size() + slots_.size() / 2);
    size_t i = index_of(fp);
    for (;;) {
        uint64_t s = slots_[i];
        if (s == fp) return false;
        if (s == 0) {
            slots_[i] = fp;
            ++size_;
            return true;
        }
        if (++i == slots_.size()) i = 0;
    }
}

void FingerprintSet::grow(size_t new_capacity) {
    std::vector<uint64_t> old(new_capacity, 0);
    old.swap(slots_);
    for (uint64_t fp : old) {
        if (fp == 0) continue;
        size_t i = index_of(fp);
        while (slots_[i] != 0) {
            if (++i == slots_.size()) i = 0;
        }
        slots_[i] = fp;
    }
}

}  // namespace redisops
