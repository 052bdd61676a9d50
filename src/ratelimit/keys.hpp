// Key names of one rate limit. Every key of a limit carries the same {hashtag}, so all of them
// live in one cluster slot:
//   <prefix>{<key>}:sliding               ZSET log (sliding)
//   <prefix>{<key>}:fixed:<window-index>  STRING counter of one window (fixed)
//   <prefix>{<key>}:gcra                  STRING theoretical arrival time (gcra)
// with prefix "ratelimit:" by default: the layout redis-ops-ratelimit(1) documents.
#pragma once

#include <string>
#include <string_view>

#include "util/enum_table.hpp"

namespace redisops {

enum class Algorithm { Sliding, Fixed, Gcra };

/// --algorithm: the names are also the key suffixes, so they never change.
inline constexpr EnumTable kAlgorithms{
    "algorithm",
    std::array{
        EnumName<Algorithm>{"sliding", Algorithm::Sliding, "a log: at most N in any window"},
        EnumName<Algorithm>{"fixed", Algorithm::Fixed, "a counter per window"},
        EnumName<Algorithm>{"gcra", Algorithm::Gcra, "a steady rate with a burst of N"},
    }};

/// "sliding", "fixed", "gcra".
constexpr std::string_view algorithm_name(Algorithm a) { return kAlgorithms.name(a); }
/// Throws UsageError naming `flag` for anything but the three names.
inline Algorithm parse_algorithm(std::string_view text, std::string_view flag) {
    return kAlgorithms.parse(text, flag);
}

/// The part every key of the limit starts with: "<prefix>{<key>}". When that would not be a
/// valid hashtag (the key starts with '}' or the prefix holds "{}"), "{<prefix><key>}".
/// Throws UsageError for an empty key or one no hashtag can hold.
std::string limit_base(std::string_view prefix, std::string_view key);

/// The key of a sliding log or a GCRA state (not of fixed windows, which are one per window).
std::string state_key(std::string_view base, Algorithm a);
std::string fixed_window_key(std::string_view base, long long window_index);
/// A SCAN MATCH pattern for every fixed window key of the limit (glob characters escaped).
std::string fixed_window_pattern(std::string_view base);

}  // namespace redisops
