// Pacing a keyspace walk to --rate KEYS/S: the one throttle of scan-audit, expire and undo.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace redisops {

/// Paces work to `rate` items a second counted from construction (0: no limit). admit(n)
/// sleeps until the items dispatched so far, n included, are due, so short stalls are made up
/// and the long-run rate stays exact.
class RateThrottle {
  public:
    explicit RateThrottle(double rate);
    void admit(size_t items);

  private:
    using Clock = std::chrono::steady_clock;
    double rate_;
    uint64_t dispatched_ = 0;
    Clock::time_point start_;
};

/// SCAN COUNT under a throttle: about five pages a second, so each page stays a small, short
/// burst (at least 10 keys, at most `count`); `count` itself without a rate.
size_t throttled_page_size(double rate, size_t count);

}  // namespace redisops
