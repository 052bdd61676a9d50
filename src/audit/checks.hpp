// The three checks of an audit and the --fail-on gates over them.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.hpp"
#include "util/enum_table.hpp"

namespace redisops {

enum class Check { NoTtl, Big, KeysUsage, Policy };

/// The names --fail-on takes, also the `name` of each check in JSON and JUnit.
inline constexpr EnumTable kChecks{
    "check",
    std::array{
        EnumName<Check>{"no-ttl", Check::NoTtl, "keys without a TTL over --max-no-ttl"},
        EnumName<Check>{"big", Check::Big, "keys over --big-bytes or --big-elements"},
        EnumName<Check>{"keys-usage", Check::KeysUsage, "evidence that clients call KEYS"},
        EnumName<Check>{"policy", Check::Policy, "error-severity violations of the --policy rules"},
    }};

/// "no-ttl", "big", "keys-usage".
constexpr std::string_view check_name(Check c) { return kChecks.name(c); }
/// Parses "no-ttl,big,keys-usage" (any subset); throws UsageError naming --fail-on.
std::set<Check> parse_fail_on(std::string_view list);

/// --max-no-ttl: a count ("100") or a share of the keys checked for a TTL ("5%").
struct NoTtlLimit {
    uint64_t count = 0;
    std::optional<double> percent;
    std::string text() const;
};
NoTtlLimit parse_no_ttl_limit(std::string_view text);

struct CheckOutcome {
    Check check;
    bool over = false;   // findings over the threshold
    bool gated = false;  // named in --fail-on
    std::string summary;
};

struct Gates {
    std::set<Check> fail_on;
    NoTtlLimit max_no_ttl;
};

std::vector<CheckOutcome> evaluate_checks(const AuditReport& r, const Gates& gates);
/// True when a gated check is over its threshold.
bool gates_crossed(const std::vector<CheckOutcome>& outcomes);

/// Keys checked for a TTL: scanned minus --ignore'd.
inline uint64_t ttl_checked(const KeyspaceTally& t) { return t.keys - t.ignored; }

}  // namespace redisops
