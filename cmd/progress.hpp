// The progress line of long keyspace walks (scan-audit, expire) on a terminal's stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace redisops {

/// "LABEL: 42% of ~N keys, ETA 3s, 1200 keys/s" when the share done is known (`expected`
/// keys, or a `fraction` 0..1 of the walk), "LABEL: N keys, 1200 keys/s" otherwise.
std::string progress_line(std::string_view label, uint64_t done, std::optional<uint64_t> expected,
                          std::optional<double> fraction, double secs);

}  // namespace redisops
