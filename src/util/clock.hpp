// The monotonic clock of the time-driven loops (lock renewal, single-flight waiting), behind an
// interface so that unit tests can drive those loops with a fake clock instead of sleeping.
#pragma once

#include <chrono>

namespace redisops {

using SteadyTime = std::chrono::steady_clock::time_point;

class MonotonicClock {
  public:
    virtual ~MonotonicClock() = default;
    virtual SteadyTime now() const = 0;
};

/// std::chrono::steady_clock: never jumps with the wall clock (NTP, DST).
class SteadyClock final : public MonotonicClock {
  public:
    SteadyTime now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace redisops
