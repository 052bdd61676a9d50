// Durations ("250ms", "30s", "5m", "2h", "7d"; a bare number is seconds) and sizes ("512",
// "100kb", "1mb"; powers of 1024). Errors name the flag and the bad value.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace redisops {

/// Throws UsageError("<flag>: invalid duration '<text>' …"). Negative values are refused.
std::chrono::milliseconds parse_duration(std::string_view text, std::string_view flag);
/// Throws UsageError("<flag>: must be above zero") for a zero (or negative) duration: TTLs,
/// windows and timeouts where 0 would mean "expire at once" or "never wait".
void require_positive(std::chrono::milliseconds d, std::string_view flag);
/// parse_duration, then require_positive.
std::chrono::milliseconds parse_positive_duration(std::string_view text, std::string_view flag);
/// Bytes; throws UsageError naming the flag.
uint64_t parse_size(std::string_view text, std::string_view flag);
/// A non-negative integer within [min, max]; throws UsageError naming the flag.
long long parse_count(std::string_view text, std::string_view flag, long long min, long long max);

/// "P%" with P a decimal in [0, max]; returns P. Throws UsageError("<flag>: invalid
/// percentage '<text>' (0%..<max>%)").
double parse_percent(std::string_view text, std::string_view flag, double max = 100);

/// "1.5s", "250ms", "3m20s", "2h", "1d3h" for people.
std::string format_duration(std::chrono::milliseconds d);
/// "512 B", "1.2 KiB", "3.4 MiB".
std::string format_size(uint64_t bytes);

}  // namespace redisops
