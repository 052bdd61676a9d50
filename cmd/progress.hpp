// The progress line of long keyspace walks (scan-audit, expire, lock list, session scans) on a
// terminal's stderr.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace redisops {

class Context;

/// "LABEL: 42% of ~N keys, ETA 3s, 1200 keys/s" when the share done is known (`expected`
/// keys, or a `fraction` 0..1 of the walk), "LABEL: N keys, 1200 keys/s" otherwise.
std::string progress_line(std::string_view label, uint64_t done, std::optional<uint64_t> expected,
                          std::optional<double> fraction, double secs);

/// For a walk of unknown size (a prefix SCAN): a callback that draws "LABEL: N keys, R keys/s"
/// at most five times a second, or an empty one when stderr is not a terminal.
std::function<void(uint64_t)> walk_progress(Context& ctx, std::string label);
/// Clears the line that `progress` drew (nothing when it is empty).
void end_walk_progress(Context& ctx, const std::function<void(uint64_t)>& progress);

}  // namespace redisops
