// The one per-key cost of an audit: a 64-bit fingerprint, so a key SCAN returns twice (the
// table was rehashed during the walk) is counted once.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace redisops {

/// 64-bit hash of arbitrary bytes (wyhash-style mixing; not cryptographic). With 64 bits,
/// two of a million keys collide with probability ~3e-8.
uint64_t key_fingerprint(std::string_view key);

/// An open-addressing set of fingerprints (8 bytes a slot, load <= 0.75, any capacity, not
/// only powers of two, so 1M keys take ~11 MiB rather than 16).
class FingerprintSet {
  public:
    explicit FingerprintSet(size_t expected = 0);
    /// True when the fingerprint was new.
    bool insert(uint64_t fp);
    bool insert_key(std::string_view key) { return insert(key_fingerprint(key)); }
    size_t size() const { return size_; }
    size_t capacity() const { return slots_.size(); }

  private:
    size_t index_of(uint64_t fp) const {
        return static_cast<size_t>((static_cast<unsigned __int128>(fp) * slots_.size()) >> 64);
    }
    void grow(size_t new_capacity);
    std::vector<uint64_t> slots_;  // 0 marks an empty slot; fingerprint 0 is stored as 1
    size_t size_ = 0;
};

}  // namespace redisops
