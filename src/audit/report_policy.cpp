// --policy violations in each report format: JSON, table text, JUnit detail, Prometheus.
#include "audit/report_policy.hpp"

#include <fmt/format.h>

#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {

namespace {

const PolicyRule& rule_at(const Policy& p, size_t i) {
    return i < p.rules.size() ? p.rules[i] : p.fallback;
}

std::string rule_label(const Policy& p, size_t i) {
    return i < p.rules.size() ? fmt::format("#{} {}", i + 1, p.rules[i].match) : "defaults";
}

}  // namespace

nlohmann::json policy_json(const PolicyTally& t) {
    using nlohmann::json;
    const Policy& p = t.policy();
    json rules = json::array();
    for (size_t i = 0; i < t.rules().size(); ++i) {
        const RuleViolations& v = t.rules()[i];
        const PolicyRule& r = rule_at(p, i);
        json fields = json::object();
        for (size_t f = 0; f < v.fields.size(); ++f)
            fields[std::string(policy_field_name(static_cast<PolicyField>(f)))] = v.fields[f];
        json patterns = json::array();
        for (const auto& pc : v.patterns.sorted()) {
            json ex = json::array();
            for (const auto& k : pc.examples) ex.push_back(to_json_text(k));
            patterns.push_back({{"pattern", to_json_text(pc.pattern)},
                                {"keys", pc.keys},
                                {"bytes", pc.bytes},
                                {"examples", ex}});
        }
        if (v.patterns.other().keys > 0) {
            patterns.push_back({{"pattern", "other"},
                                {"keys", v.patterns.other().keys},
                                {"bytes", v.patterns.other().bytes},
                                {"examples", json::array()},
                                {"other", true}});
        }
        rules.push_back({{"rule", i < p.rules.size() ? json(i + 1) : json("defaults")},
                         {"match", to_json_text(r.match)},
                         {"type", r.type.empty() ? json(nullptr) : json(r.type)},
                         {"line", r.line},
                         {"severity", std::string(kSeverities.name(r.severity))},
                         {"keys", v.keys},
                         {"bytes", v.bytes},
                         {"fields", fields},
                         {"patterns", patterns}});
    }
    return {{"file", to_json_text(p.file)},
            {"errors", t.errors()},
            {"warnings", t.warnings()},
            {"rules", rules}};
}

std::string policy_text(const OutputStyle& style, const PolicyTally& t) {
    const Policy& p = t.policy();
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < t.rules().size(); ++i) {
        const RuleViolations& v = t.rules()[i];
        if (v.keys == 0) continue;
        std::string broken;
        for (size_t f = 0; f < v.fields.size(); ++f) {
            if (v.fields[f] == 0) continue;
            if (!broken.empty()) broken += ' ';
            broken +=
                fmt::format("{}={}", policy_field_name(static_cast<PolicyField>(f)), v.fields[f]);
        }
        for (const auto& pc : v.patterns.sorted()) {
            std::string ex;
            for (const auto& k : pc.examples) ex += (ex.empty() ? "" : " ") + quote_if_needed(k);
            rows.push_back({quote_if_needed(rule_label(p, i)),
                            std::string(kSeverities.name(rule_at(p, i).severity)),
                            quote_if_needed(pc.pattern), std::to_string(pc.keys),
                            format_size(pc.bytes), broken, ex});
        }
    }
    if (rows.empty()) return "";
    return render_table(
        style, {"RULE", "SEVERITY", "PATTERN", "KEYS", "BYTES", "BROKEN", "EXAMPLES"}, rows);
}

std::vector<PolicySeries> policy_series(const PolicyTally& t) {
    std::vector<PolicySeries> out;
    const Policy& p = t.policy();
    for (size_t i = 0; i < t.rules().size(); ++i) {
        out.push_back({rule_label(p, i), std::string(kSeverities.name(rule_at(p, i).severity)),
                       t.rules()[i].keys});
    }
    return out;
}

}  // namespace redisops
