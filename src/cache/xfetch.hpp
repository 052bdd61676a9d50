// Probabilistic early expiration ("XFetch", Vattani, Chierichetti and Lowenstein, VLDB 2015):
// refresh when  delta * beta * -ln(u) >= time left,  u uniform in (0, 1]. A value that took
// delta to compute is refreshed sooner the costlier it is and the closer its expiry, by one
// caller at a time, so a hot key never stampedes when it expires.
#pragma once

#include <optional>

#include "redis/options.hpp"

namespace redisops {

/// `u` is a uniform draw in (0, 1]; `ttl` nullopt (no expiry) or `compute_time` unknown never
/// refresh early; beta 0 disables early refresh, beta > 1 favours earlier refreshes.
bool refresh_early(std::optional<Millis> ttl, std::optional<Millis> compute_time, double beta,
                   double u);

/// A uniform draw in (0, 1] from the OS random source.
double uniform_draw();

}  // namespace redisops
