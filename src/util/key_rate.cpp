#include "util/key_rate.hpp"

#include <algorithm>
#include <thread>

namespace redisops {

KeyRate::KeyRate(double per_second) : per_second_(per_second), start_(Clock::now()) {}

void KeyRate::pace(uint64_t keys) {
    dispatched_ += keys;
    if (per_second_ <= 0) return;
    auto due = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                            static_cast<double>(dispatched_) / per_second_));
    if (due > Clock::now()) std::this_thread::sleep_until(due);
}

size_t KeyRate::page_size(size_t max_count) const {
    if (per_second_ <= 0) return max_count;
    // Throttled: about five pages a second, so each page stays a small, short burst.
    return std::clamp<size_t>(static_cast<size_t>(per_second_ / 5), std::min<size_t>(10, max_count),
                              max_count);
}

}  // namespace redisops
