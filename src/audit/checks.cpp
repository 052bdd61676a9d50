#include "audit/checks.hpp"

#include <fmt/format.h>

#include <charconv>

#include "redis/errors.hpp"
#include "util/units.hpp"

namespace redisops {

std::set<Check> parse_fail_on(std::string_view list) {
    std::set<Check> out;
    while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        if (!item.empty()) out.insert(kChecks.parse(item, "--fail-on"));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

std::string NoTtlLimit::text() const {
    return percent ? fmt::format("{}%", *percent) : std::to_string(count);
}

NoTtlLimit parse_no_ttl_limit(std::string_view text) {
    NoTtlLimit l;
    if (text.ends_with("%")) {
        l.percent = parse_percent(text, "--max-no-ttl");
        return l;
    }
    l.count = static_cast<uint64_t>(parse_count(text, "--max-no-ttl", 0, INT64_MAX));
    return l;
}

std::vector<CheckOutcome> evaluate_checks(const AuditReport& r, const Gates& gates) {
    const KeyspaceTally& t = r.tally;
    std::vector<CheckOutcome> out;
    auto gated = [&](Check c) { return gates.fail_on.contains(c); };

    CheckOutcome nt{Check::NoTtl, false, gated(Check::NoTtl), {}};
    uint64_t checked = ttl_checked(t);
    double share =
        checked ? 100.0 * static_cast<double>(t.no_ttl) / static_cast<double>(checked) : 0;
    nt.over = gates.max_no_ttl.percent ? share > *gates.max_no_ttl.percent
                                       : t.no_ttl > gates.max_no_ttl.count;
    nt.summary = fmt::format("{} of {} keys without TTL ({:.1f}%, {}); limit {}", t.no_ttl, checked,
                             share, format_size(t.no_ttl_bytes), gates.max_no_ttl.text());
    const BaselineVerdict* base = r.baseline ? &*r.baseline : nullptr;
    if (base) {
        // Only what is new or grew since the baseline counts against the limit.
        uint64_t worse = base->new_or_grown_no_ttl_keys;
        double worse_share =
            checked ? 100.0 * static_cast<double>(worse) / static_cast<double>(checked) : 0;
        nt.over = gates.max_no_ttl.percent ? worse_share > *gates.max_no_ttl.percent
                                           : worse > gates.max_no_ttl.count;
        nt.summary +=
            fmt::format("; {} of them in new or grown patterns since the baseline", worse);
    }
    out.push_back(nt);

    CheckOutcome big{Check::Big, t.big > 0, gated(Check::Big), {}};
    big.summary = fmt::format("{} keys of {} or more", t.big, format_size(t.limits.big_bytes));
    if (t.limits.big_elements)
        big.summary += fmt::format(" or {}+ elements", *t.limits.big_elements);
    if (base) {
        uint64_t worse = 0;
        for (const auto& [_, c] : base->big_keys) worse += c != BaselineClass::Known ? 1 : 0;
        big.over = worse > 0;
        big.summary += fmt::format("; {} new or grown since the baseline", worse);
    }
    out.push_back(big);

    const KeysUsage& k = r.keys_usage;
    CheckOutcome ku{Check::KeysUsage, k.evidence(), gated(Check::KeysUsage), {}};
    ku.summary = fmt::format(
        "KEYS ran {} times ({} us) since the stats were reset; {} in the slow log; "
        "{} clients last ran it",
        k.calls, k.usec, k.slowlog.size(), k.clients.size());
    if (base) {
        ku.over = base->keys_usage_new;
        ku.summary += fmt::format("; {} calls since the {}", base->keys_calls_since,
                                  base->keys_stats_reset ? "reset" : "baseline");
    }
    out.push_back(ku);

    if (t.policy) {
        // Warnings are reported but never fail.
        CheckOutcome pol{Check::Policy, t.policy->errors() > 0, gated(Check::Policy), {}};
        pol.summary =
            fmt::format("{} keys break error rules, {} break warn rules of {}", t.policy->errors(),
                        t.policy->warnings(), t.policy->policy().file);
        out.push_back(pol);
    }
    return out;
}

bool gates_crossed(const std::vector<CheckOutcome>& outcomes) {
    for (const auto& o : outcomes) {
        if (o.gated && o.over) return true;
    }
    return false;
}

}  // namespace redisops
