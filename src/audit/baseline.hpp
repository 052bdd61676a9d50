// --baseline: an earlier `scan-audit --format json` report, and the classes (new, grown, known,
// gone) of today's findings against it, so a gate fails only on what got worse.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/enum_table.hpp"

namespace redisops {

struct AuditReport;

enum class BaselineClass { New, Grown, Known };

inline constexpr EnumTable kBaselineClasses{
    "baseline class",
    std::array{
        EnumName<BaselineClass>{"new", BaselineClass::New, "absent from the baseline"},
        EnumName<BaselineClass>{"grown", BaselineClass::Grown, "grew by more than the slack"},
        EnumName<BaselineClass>{"known", BaselineClass::Known, "present and not grown"},
    }};

/// --baseline-slack: N (keys of a pattern, bytes of a big key) or P% of the baseline's value.
struct BaselineSlack {
    uint64_t count = 0;
    std::optional<double> percent = 5.0;
    /// True when `now` exceeds `before` by more than the slack.
    bool grown(uint64_t before, uint64_t now) const;
    std::string text() const;
};
BaselineSlack parse_baseline_slack(std::string_view text);

/// What the baseline report held: its findings, keyed by their JSON text (as reports print them).
struct Baseline {
    std::string file;
    std::string generated_at;
    std::string address;
    std::vector<std::string> run_ids;  // server.run_id and each node's
    int db = 0;
    struct Size {
        uint64_t keys = 0;
        uint64_t bytes = 0;
    };
    std::map<std::string, Size> no_ttl_patterns;
    std::map<std::string, uint64_t> big_keys;  // key -> bytes
    uint64_t keys_calls = 0;
};

/// Parses a report's JSON text; anything that is not a redis-ops scan-audit JSON report throws
/// UsageError naming `file` (exit 2).
Baseline parse_baseline(std::string_view text, const std::string& file);

/// Today's findings against a baseline.
struct BaselineVerdict {
    std::string file;
    std::string generated_at;
    BaselineSlack slack;
    std::map<std::string, BaselineClass> patterns;  // no-TTL pattern (JSON text) -> class
    std::map<std::string, BaselineClass> big_keys;  // big key (JSON text) -> class
    std::vector<std::string> gone_patterns;
    std::vector<std::string> gone_big_keys;
    uint64_t new_or_grown_no_ttl_keys = 0;  // keys in new and grown patterns
    bool keys_usage_new = false;            // cmdstat_keys calls went up since the baseline
    uint64_t keys_calls_since = 0;          // since the baseline, or since a stats reset
    bool keys_stats_reset = false;
    std::vector<std::string> notes;

    /// Counts per class over patterns and big keys ("new", "grown", "known").
    std::map<std::string, uint64_t> counts() const;
    BaselineClass pattern_class(const std::string& json_pattern) const;
    BaselineClass big_key_class(const std::string& json_key) const;
};

BaselineVerdict compare_to_baseline(const Baseline& b, const AuditReport& r,
                                    const BaselineSlack& slack);

}  // namespace redisops
