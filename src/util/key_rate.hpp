// A pace for walks that must not hurt the server they read: at most N keys a second,
// measured from the start, so a slow page is made up for by the next one rather than lost.
#pragma once

#include <chrono>
#include <cstdint>

namespace redisops {

class KeyRate {
  public:
    /// `per_second` <= 0: no limit.
    explicit KeyRate(double per_second);

    /// Counts `keys` more keys and sleeps until the pace allows them.
    void pace(uint64_t keys);

    /// A SCAN COUNT for this pace: about five pages a second, between 10 and `max_count`.
    size_t page_size(size_t max_count) const;

  private:
    using Clock = std::chrono::steady_clock;
    double per_second_;
    uint64_t dispatched_ = 0;
    Clock::time_point start_;
};

}  // namespace redisops
