#include "cache/xfetch.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "util/random.hpp"

namespace redisops {

bool refresh_early(std::optional<Millis> ttl, std::optional<Millis> compute_time, double beta,
                   double u) {
    if (!ttl || !compute_time || beta <= 0 || u <= 0) return false;
    if (ttl->count() <= 0) return true;
    double gap = static_cast<double>(compute_time->count()) * beta * -std::log(u);
    return gap >= static_cast<double>(ttl->count());
}

double uniform_draw() {
    std::string bytes = random_bytes(sizeof(uint64_t));
    uint64_t x = 0;
    std::memcpy(&x, bytes.data(), sizeof x);
    // 53 random bits, shifted into (0, 1]: never 0, whose log is -inf.
    return static_cast<double>((x >> 11) + 1) / 9007199254740992.0;
}

}  // namespace redisops
