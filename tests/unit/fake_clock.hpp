// A clock that moves only when a test (or a fake that stands for waiting) moves it, for unit
// tests of time-driven loops: they run in microseconds and never depend on the machine's load.
#pragma once

#include <chrono>

#include "util/clock.hpp"

namespace redisops::test {

class FakeClock final : public MonotonicClock {
  public:
    SteadyTime now() const override { return now_; }
    SteadyTime start() const { return start_; }
    /// Time since the test began.
    std::chrono::milliseconds elapsed() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(now_ - start_);
    }
    void advance(std::chrono::milliseconds d) { now_ += d; }
    /// Moves to `t`, never backwards (a deadline already past returns at once).
    void move_to(SteadyTime t) {
        if (t > now_) now_ = t;
    }

  private:
    // Any fixed point will do; away from zero so that "earlier than start" stays representable.
    SteadyTime start_ = SteadyTime(std::chrono::hours(1000));
    SteadyTime now_ = start_;
};

}  // namespace redisops::test
