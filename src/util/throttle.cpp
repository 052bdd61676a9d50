#include "util/throttle.hpp"

#include <algorithm>
#include <thread>

namespace redisops {

RateThrottle::RateThrottle(double rate) : rate_(rate), start_(Clock::now()) {}

void RateThrottle::admit(size_t items) {
    dispatched_ += items;
    if (rate_ <= 0) return;
    auto due = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                            static_cast<double>(dispatched_) / rate_));
    if (due > Clock::now()) std::this_thread::sleep_until(due);
}

size_t throttled_page_size(double rate, size_t count) {
    if (rate <= 0) return count;
    return std::clamp<size_t>(static_cast<size_t>(rate / 5), 10, std::max<size_t>(count, 10));
}

}  // namespace redisops
