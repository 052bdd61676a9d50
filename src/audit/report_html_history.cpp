// The HTML report's sections for audits with history: the baseline classes of the findings and
// the --policy violations. Every key and pattern goes through key_text().
#include <fmt/format.h>

#include "audit/report_html.hpp"
#include "audit/report_policy.hpp"
#include "util/text.hpp"

namespace redisops::html {

std::string baseline_classes(const AuditReport& r) {
    if (!r.baseline) return {};
    const BaselineVerdict& v = *r.baseline;
    std::string rows;
    auto row = [&](const char* kind, const std::string& name, BaselineClass c) {
        rows += fmt::format(
            "<tr data-role=\"baseline\"><td>{}</td><td class=\"key\">{}</td><td>{}</td></tr>", kind,
            key_text(name), kBaselineClasses.name(c));
    };
    for (const auto& p : r.tally.no_ttl_patterns.sorted())
        row("no-TTL pattern", p.pattern, v.pattern_class(to_json_text(p.pattern)));
    for (const auto& k : r.tally.big_keys())
        row("big key", k.key, v.big_key_class(to_json_text(k.key)));
    for (const auto& g : v.gone_patterns)
        rows += fmt::format(
            "<tr data-role=\"baseline\"><td>no-TTL pattern</td><td "
            "class=\"key\">{}</td><td>gone</td></tr>",
            escape(g));
    for (const auto& g : v.gone_big_keys)
        rows += fmt::format(
            "<tr data-role=\"baseline\"><td>big key</td><td "
            "class=\"key\">{}</td><td>gone</td></tr>",
            escape(g));
    auto n = v.counts();
    std::string body = fmt::format(
        "<table id=\"baseline-classes\"><thead><tr><th>Finding</th><th>Pattern or key</th>"
        "<th>Since the baseline</th></tr></thead><tbody>{}</tbody></table>",
        rows);
    return section("baseline", "Compared with the baseline",
                   fmt::format("Against {} ({}): {} new, {} grown, {} known, {} gone (slack {}). "
                               "Gates count only new and grown findings.",
                               key_text(v.file), escape(v.generated_at), n["new"], n["grown"],
                               n["known"], n["gone"], escape(v.slack.text())),
                   body);
}

std::string policy_violations(const AuditReport& r) {
    if (!r.tally.policy) return {};
    const PolicyTally& t = *r.tally.policy;
    const Policy& p = t.policy();
    std::string rows;
    for (size_t i = 0; i < t.rules().size(); ++i) {
        const RuleViolations& v = t.rules()[i];
        const PolicyRule& rule = i < p.rules.size() ? p.rules[i] : p.fallback;
        for (const auto& pc : v.patterns.sorted()) {
            std::string examples;
            for (const auto& k : pc.examples)
                examples += (examples.empty() ? "" : ", ") + key_text(k);
            rows += fmt::format(
                "<tr data-role=\"policy\"><td>{}</td><td>{}</td><td class=\"key\">{}</td>"
                "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"key\">{}</td></tr>",
                i < p.rules.size() ? fmt::format("#{} {}", i + 1, key_text(rule.match))
                                   : std::string("defaults"),
                kSeverities.name(rule.severity), key_text(pc.pattern), count(pc.keys),
                size(r, pc.bytes), examples);
        }
    }
    if (rows.empty()) rows = "<tr><td colspan=\"6\">No key breaks a rule.</td></tr>";
    std::string body = fmt::format(
        "<table id=\"policy-violations\"><thead><tr><th>Rule</th><th>Severity</th><th>Key "
        "pattern</th><th class=\"num\">Keys</th><th class=\"num\">Memory</th><th>Examples</th>"
        "</tr></thead><tbody>{}</tbody></table>",
        rows);
    return section("policy", "Policy violations",
                   fmt::format("Rules of {}, first match wins: {} keys break error rules, {} "
                               "break warn rules (warnings never fail).",
                               key_text(p.file), count(t.errors()), count(t.warnings())),
                   body);
}

}  // namespace redisops::html
