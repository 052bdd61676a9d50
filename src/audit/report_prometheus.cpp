// The audit as Prometheus text exposition (format 0.0.4), for node_exporter's textfile collector
// or a pushgateway. Every family is a gauge: a snapshot taken when the walk ended.
#include <fmt/format.h>

#include <map>

#include "audit/report.hpp"
#include "audit/report_policy.hpp"
#include "util/text.hpp"

namespace redisops {

namespace {

/// Label values are UTF-8 with `\`, `"` and newline escaped. Invalid bytes become the code point
/// of the same value (as in the JSON report), so the two formats name a pattern alike.
std::string label_value(std::string_view bytes) {
    std::string text = to_json_text(bytes);
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

/// One sample's labels, already escaped: `{node="…",type="…"}`, or empty.
using Labels = std::vector<std::pair<const char*, std::string>>;

class Exposition {
  public:
    /// Starts a family; its samples follow until the next family.
    void family(std::string_view name, std::string_view help) {
        name_ = fmt::format("redis_ops_audit_{}", name);
        text_ += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name_, help, name_);
    }
    void sample(const Labels& labels, uint64_t v) { line(labels, fmt::format("{}", v)); }
    void sample(const Labels& labels, double v) { line(labels, fmt::format("{}", v)); }
    std::string take() { return std::move(text_); }

  private:
    void line(const Labels& labels, const std::string& value) {
        text_ += name_;
        if (!labels.empty()) {
            text_ += '{';
            for (size_t i = 0; i < labels.size(); ++i) {
                if (i) text_ += ',';
                text_ += fmt::format("{}=\"{}\"", labels[i].first, labels[i].second);
            }
            text_ += '}';
        }
        text_ += ' ';
        text_ += value;
        text_ += '\n';
    }
    std::string name_;
    std::string text_;
};

/// A series' scope: the merged report (no node label) or one node of a cluster.
struct Scope {
    std::optional<std::string> node;  // escaped
    const KeyspaceTally* tally;
    Labels with(const char* name, std::string value) const {
        Labels l;
        if (node) l.emplace_back("node", *node);
        if (name) l.emplace_back(name, std::move(value));
        return l;
    }
    Labels bare() const { return with(nullptr, {}); }
};

/// Patterns keyed by their escaped label, summed: two byte strings that print alike, or a real
/// pattern named "other", still give one series each.
std::map<std::string, PatternRow> pattern_series(const NoTtlPatterns& table) {
    std::map<std::string, PatternRow> out;
    for (auto& row : pattern_rows(table)) {
        PatternRow& into = out[label_value(row.pattern)];
        into.keys += row.keys;
        into.bytes += row.bytes;
    }
    return out;
}

}  // namespace

std::string audit_prometheus(const AuditReport& r, const std::vector<CheckOutcome>& checks) {
    std::vector<Scope> scopes{{std::nullopt, &r.tally}};
    // On a cluster each node's series carry its address; the merged ones carry no node label.
    if (r.server.cluster) {
        for (const auto& n : r.nodes) {
            if (n.tally) scopes.push_back({label_value(n.address), &*n.tally});
        }
    }
    auto node_of = [&](const Scope& s) -> const NodeReport* {
        for (const auto& n : r.nodes) {
            if (s.node && label_value(n.address) == *s.node) return &n;
        }
        return nullptr;
    };
    Exposition e;
    e.family("complete", "1 when the audit saw the whole keyspace, 0 when it was cut short.");
    for (const auto& s : scopes) {
        const NodeReport* n = node_of(s);
        e.sample(s.bare(), uint64_t{(n ? n->complete : r.complete) ? 1u : 0u});
    }
    e.family("duration_seconds", "Wall time of the audit.");
    for (const auto& s : scopes) {
        const NodeReport* n = node_of(s);
        auto ms = n ? n->duration : r.duration;
        e.sample(s.bare(), static_cast<double>(ms.count()) / 1000.0);
    }
    e.family("last_run_timestamp_seconds", "Unix time at which the audit ended.");
    e.sample({}, static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                           r.generated_at.time_since_epoch())
                                           .count()));
    e.family("keys_scanned", "Keys the audit looked at, each counted once.");
    for (const auto& s : scopes) e.sample(s.bare(), s.tally->keys);
    e.family("keys", "Keys by Redis type.");
    for (const auto& s : scopes) {
        for (const auto& [type, n] : s.tally->types) e.sample(s.with("type", label_value(type)), n);
    }
    // Without MEMORY USAGE the byte families are left out: an absent series, not a zero.
    const bool bytes_known = r.bytes_unavailable.empty();
    if (bytes_known) {
        e.family("memory_bytes", "Memory the keys use (MEMORY USAGE), by Redis type.");
        for (const auto& s : scopes) {
            for (const auto& [type, n] : s.tally->type_bytes)
                e.sample(s.with("type", label_value(type)), n);
        }
    }
    e.family(
        "no_ttl_keys",
        "Keys without an expiry (TTL), by key pattern; past --max-patterns: pattern=\"other\".");
    std::vector<std::map<std::string, PatternRow>> series;
    series.reserve(scopes.size());
    for (const auto& s : scopes) series.push_back(pattern_series(s.tally->no_ttl_patterns));
    for (size_t i = 0; i < scopes.size(); ++i) {
        for (const auto& [label, row] : series[i])
            e.sample(scopes[i].with("pattern", label), row.keys);
    }
    if (bytes_known) {
        e.family("no_ttl_bytes", "Memory of the keys without an expiry (TTL), by key pattern.");
        for (size_t i = 0; i < scopes.size(); ++i) {
            for (const auto& [label, row] : series[i])
                e.sample(scopes[i].with("pattern", label), row.bytes);
        }
    }
    e.family("big_keys", "Keys over --big-bytes (or --big-elements).");
    for (const auto& s : scopes) e.sample(s.bare(), s.tally->big);
    e.family("keys_command_calls",
             "KEYS commands the server ran since its stats were reset (INFO commandstats).");
    for (const auto& s : scopes) {
        const NodeReport* n = node_of(s);
        e.sample(s.bare(), n ? n->keys_command_calls : r.keys_usage.calls);
    }
    if (r.tally.policy) {
        e.family("policy_violations", "Keys that break a --policy rule, by rule and severity.");
        for (const auto& s : scopes) {
            if (!s.tally->policy) continue;
            for (const auto& ps : policy_series(*s.tally->policy)) {
                Labels l = s.with("rule", label_value(ps.rule));
                l.emplace_back("severity", ps.severity);
                e.sample(l, ps.keys);
            }
        }
    }
    e.family("check_over", "1 when a check found more than it tolerates, by check.");
    for (const auto& c : checks)
        e.sample({{"check", std::string(check_name(c.check))}}, uint64_t{c.over ? 1u : 0u});
    return e.take();
}

}  // namespace redisops
