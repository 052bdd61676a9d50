#include <fmt/format.h>

#include "audit/report.hpp"
#include "audit/report_policy.hpp"
#include "audit/report_text_patterns.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {

namespace {

constexpr size_t kTextPatternRows = 20;

std::string elements_text(const std::optional<uint64_t>& e) { return e ? std::to_string(*e) : "-"; }

/// A size, or "n/a" when MEMORY USAGE was not available (an unknown size is not zero).
std::string size_text(bool known, uint64_t bytes) { return known ? format_size(bytes) : "n/a"; }

std::string key_rows(const OutputStyle& style, const std::vector<KeyEntry>& keys, bool known,
                     const BaselineVerdict* base = nullptr) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& k : keys) {
        rows.push_back(
            {quote_if_needed(k.key), k.type, size_text(known, k.bytes), elements_text(k.elements)});
        if (base)
            rows.back().emplace_back(
                kBaselineClasses.name(base->big_key_class(to_json_text(k.key))));
    }
    std::vector<std::string> head{"KEY", "TYPE", "BYTES", "ELEMENTS"};
    if (base) head.emplace_back("BASELINE");
    return render_table(style, head, rows);
}

std::string verdict(const OutputStyle& style, const CheckOutcome& c) {
    if (!c.over) return paint(style, Color::Green, "ok");
    return c.gated ? paint(style, Color::Red, "FAIL") : paint(style, Color::Yellow, "finding");
}

std::string patterns_section(const OutputStyle& style, const KeyspaceTally& t, bool known,
                             const BaselineVerdict* base) {
    auto patterns = t.no_ttl_patterns.sorted();
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < patterns.size() && i < kTextPatternRows; ++i) {
        const auto& p = patterns[i];
        std::string ex;
        for (const auto& k : p.examples) {
            if (!ex.empty()) ex += ' ';
            ex += quote_if_needed(k);
        }
        rows.push_back(
            {quote_if_needed(p.pattern), std::to_string(p.keys), size_text(known, p.bytes), ex});
        if (base)
            rows.back().emplace_back(
                kBaselineClasses.name(base->pattern_class(to_json_text(p.pattern))));
    }
    uint64_t rest_keys = t.no_ttl_patterns.other().keys,
             rest_bytes = t.no_ttl_patterns.other().bytes;
    for (size_t i = kTextPatternRows; i < patterns.size(); ++i) {
        rest_keys += patterns[i].keys;
        rest_bytes += patterns[i].bytes;
    }
    if (rest_keys > 0) {
        rows.push_back({"(other)", std::to_string(rest_keys), size_text(known, rest_bytes), ""});
        if (base) rows.back().emplace_back("-");
    }
    if (rows.empty()) return "";
    std::vector<std::string> head{"PATTERN", "KEYS", "BYTES", "EXAMPLES"};
    if (base) head.emplace_back("BASELINE");
    std::string out = render_table(style, head, rows);
    if (base && !base->gone_patterns.empty()) {
        out += "  gone since the baseline:";
        for (const auto& g : base->gone_patterns) out += " " + g;
        out += "\n";
    }
    return out;
}

std::string keys_usage_section(const OutputStyle& style, const KeysUsage& k) {
    std::string out;
    for (const auto& s : k.slowlog) {
        out += fmt::format("  slowlog #{} on {}: KEYS {} took {} us, client {} {}\n", s.id, s.node,
                           quote_if_needed(s.pattern), s.duration_us, s.client_addr,
                           quote_if_needed(s.client_name));
    }
    for (const auto& c : k.clients) {
        out += fmt::format("  client id={} addr={} name={} user={} on {}: last command was KEYS\n",
                           c.id, c.addr, quote_if_needed(c.name), c.user, c.node);
    }
    if (k.acl_allows) {
        out += fmt::format("  ACL: KEYS is {} for user {}\n",
                           *k.acl_allows ? "still allowed" : "denied", k.acl_user);
        if (*k.acl_allows)
            out += paint(style, Color::Dim, "  (deny it with: ACL SETUSER <user> -keys)\n");
    }
    for (const auto& n : k.notes) out += fmt::format("  note: {}\n", n);
    return out;
}

std::string rdb_lines(const RdbFacts& f, const KeyspaceTally& t) {
    std::string out = fmt::format(
        "RDB v{} snapshot ({}): {} keys, {} without TTL ({} ignored), {} already expired at "
        "snapshot time (not counted)\n",
        f.version, f.redis_version.empty() ? "unknown server" : "redis-ver " + f.redis_version,
        t.keys, t.no_ttl + t.ignored, t.ignored, f.expired_keys);
    out += fmt::format(
        "bytes are serialized sizes in the snapshot ({} in all); estimated memory once loaded: "
        "{}\n",
        format_size(t.total_bytes), format_size(f.est_memory_bytes));
    if (f.dbs.size() > 1) {
        for (const auto& [db, d] : f.dbs) {
            out += fmt::format("  db{}: {} keys, {} without TTL, {} expired, {}\n", db, d.keys,
                               d.no_ttl, d.expired, format_size(d.bytes));
        }
    }
    return out;
}

}  // namespace

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                // XML 1.0 cannot hold most control characters, not even as references.
                if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
                    out += '?';
                else
                    out += c;
        }
    }
    return out;
}

std::string audit_text(const AuditReport& r, const std::vector<CheckOutcome>& checks,
                       const OutputStyle& style) {
    const KeyspaceTally& t = r.tally;
    const bool known = r.bytes_unavailable.empty();
    auto bold = [&](std::string_view s) { return paint(style, Color::Bold, s); };
    std::string out;
    std::string state = r.complete ? paint(style, Color::Green, "complete")
                                   : paint(style, Color::Red, "INCOMPLETE (cut short)");
    uint64_t rate =
        r.duration.count() > 0 ? t.keys * 1000 / static_cast<uint64_t>(r.duration.count()) : t.keys;
    out += fmt::format("{} {}: {} keys in {} ({} keys/s), longest server call {}\n",
                       bold("scan-audit"), state, t.keys, format_duration(r.duration), rate,
                       format_duration(r.longest_call));
    if (r.rdb) {
        out += rdb_lines(*r.rdb, t);
    } else {
        out += fmt::format(
            "INFO keyspace before the walk: {} keys, {} without TTL; the walk found {} keys, {} "
            "without "
            "TTL ({} ignored, {} vanished, {} duplicates from SCAN skipped)\n",
            r.estimate.keys, r.estimate.no_ttl(), t.keys, t.no_ttl + t.ignored, t.ignored,
            r.vanished, r.duplicates);
    }
    for (const auto& n : r.nodes) {
        if (!n.complete)
            out +=
                paint(style, Color::Red, fmt::format("node {}: stopped: {}\n", n.address, n.error));
    }

    auto heading = [&](std::string_view title, const CheckOutcome* c) {
        std::string verdict_text =
            c ? fmt::format(" [{}]: {}", verdict(style, *c), c->summary) : "";
        return fmt::format("\n{}{}\n", bold(title), verdict_text);
    };
    out += heading("Keys without TTL", &checks[0]);
    const BaselineVerdict* base = r.baseline ? &*r.baseline : nullptr;
    if (base) {
        auto n = base->counts();
        out += fmt::format("baseline {} ({}): {} new, {} grown, {} known, {} gone (slack {})\n",
                           quote_if_needed(base->file), base->generated_at, n["new"], n["grown"],
                           n["known"], n["gone"], base->slack.text());
        for (const auto& note : base->notes) out += fmt::format("note: {}\n", note);
    }
    out += patterns_section(style, t, known, base);

    out += heading("Big keys", &checks[1]);
    if (t.big > 0) out += key_rows(style, t.big_keys(), known, base);

    out += heading("KEYS usage", &checks[2]);
    out += keys_usage_section(style, r.keys_usage);

    for (const auto& c : checks) {
        if (c.check != Check::Policy || !t.policy) continue;
        out += heading("Policy " + t.policy->policy().file, &c);
        out += policy_text(style, *t.policy);
    }

    if (t.limits.idle_over_ms && r.options.walk.idle && idle_source(t) != "freq") {
        out +=
            heading(fmt::format("Idle keys without TTL (idle over {}): {} keys, {}",
                                format_duration(std::chrono::milliseconds(*t.limits.idle_over_ms)),
                                t.idle_over, format_size(t.idle_over_bytes)),
                    nullptr);
        out += idle_over_section(style, r);
    }

    out += heading("Patterns by memory, with their TTL range", nullptr);
    out += memory_patterns_section(style, r);

    out += heading(fmt::format("Top {} keys by memory", t.limits.top), nullptr);
    out += key_rows(style, t.top.sorted(), known);

    out += heading("Summary", nullptr);
    std::string types;
    for (const auto& [type, n] : t.types)
        types += fmt::format("{}{} {}", types.empty() ? "" : ", ", type, n);
    out += fmt::format("  types:  {}\n", types.empty() ? "-" : types);
    out += fmt::format("  TTL:    no expiry {}, <1h {}, 1h-24h {}, 1d-7d {}, >7d {}\n",
                       t.ttl[kNoExpiry], t.ttl[kUnder1h], t.ttl[kUnder24h], t.ttl[kUnder7d],
                       t.ttl[kOver7d]);
    if (known) {
        out += fmt::format("  memory: total {}, per key p50 {}, p90 {}, p99 {}, max {}\n",
                           format_size(t.total_bytes), format_size(t.memory.percentile(0.5)),
                           format_size(t.memory.percentile(0.9)),
                           format_size(t.memory.percentile(0.99)), format_size(t.memory.max()));
    } else {
        out += "  memory: unavailable (MEMORY USAGE not allowed or not available)\n";
    }
    if (r.nodes.size() > 1) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& n : r.nodes) {
            rows.push_back({n.address, n.source, std::to_string(n.keys_scanned),
                            n.complete ? "yes" : "no", format_duration(n.longest_call)});
        }
        out += '\n';
        out += render_table(style, {"NODE", "READ FROM", "KEYS", "COMPLETE", "LONGEST CALL"}, rows);
    }
    for (const auto& n : r.notes) out += fmt::format("note: {}\n", n);
    return out;
}

namespace {

/// --baseline: each new or grown finding as a failed testcase of its own.
std::string baseline_testcases(const AuditReport& r, size_t& failures) {
    std::string out;
    if (!r.baseline) return out;
    const BaselineVerdict& v = *r.baseline;
    auto add = [&](std::string_view check, const std::string& what, BaselineClass c,
                   const std::string& detail) {
        if (c == BaselineClass::Known) return;
        ++failures;
        std::string cls(kBaselineClasses.name(c));
        out += fmt::format(
            "    <testcase classname=\"scan-audit.baseline.{}\" name=\"{} {}\">\n"
            "      <failure type=\"{}\" message=\"{} {} since the baseline\">{}</failure>\n"
            "    </testcase>\n",
            check, cls, xml_escape(what), cls, xml_escape(what), cls, xml_escape(detail));
    };
    for (const auto& p : r.tally.no_ttl_patterns.sorted()) {
        std::string name = to_json_text(p.pattern);
        add("no-ttl", quote_if_needed(p.pattern), v.pattern_class(name),
            fmt::format("keys={} bytes={}", p.keys, p.bytes));
    }
    for (const auto& k : r.tally.big_keys()) {
        add("big", quote_if_needed(k.key), v.big_key_class(to_json_text(k.key)),
            fmt::format("type={} bytes={}", k.type, k.bytes));
    }
    if (v.keys_usage_new) {
        add("keys-usage", "KEYS calls", BaselineClass::New,
            fmt::format("{} calls since the {}", v.keys_calls_since,
                        v.keys_stats_reset ? "reset" : "baseline"));
    }
    return out;
}

}  // namespace

std::string audit_junit(const AuditReport& r, const std::vector<CheckOutcome>& checks) {
    size_t failures = 0;
    for (const auto& c : checks) failures += c.over ? 1 : 0;
    size_t extra = 0;
    std::string baseline_cases = baseline_testcases(r, extra);
    failures += extra;
    size_t tests = checks.size() + extra;
    size_t errors = r.complete ? 0 : checks.size();
    double secs = static_cast<double>(r.duration.count()) / 1000.0;
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format(
        "<testsuites name=\"redis-ops scan-audit\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
        "time=\"{:.3f}\">\n",
        tests, failures, errors, secs);
    out += fmt::format(
        "  <testsuite name=\"scan-audit\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
        "time=\"{:.3f}\">\n",
        tests, failures, errors, secs);
    const KeyspaceTally& t = r.tally;
    for (const auto& c : checks) {
        out += fmt::format("    <testcase classname=\"scan-audit\" name=\"{}\" time=\"{:.3f}\">\n",
                           check_name(c.check), secs);
        if (!r.complete) {
            out += fmt::format(
                "      <error message=\"audit incomplete: {} of an estimated {} keys scanned\"/>\n",
                t.keys, r.estimate.keys);
        }
        if (c.over) {
            std::string detail;
            if (c.check == Check::NoTtl) {
                for (const auto& p : t.no_ttl_patterns.sorted()) {
                    detail += fmt::format("{} keys={} bytes={}\n", quote_if_needed(p.pattern),
                                          p.keys, p.bytes);
                }
                if (t.no_ttl_patterns.other().keys) {
                    detail += fmt::format("(other) keys={}\n", t.no_ttl_patterns.other().keys);
                }
            } else if (c.check == Check::Big) {
                for (const auto& k : t.big_keys()) {
                    detail +=
                        fmt::format("{} type={} bytes={} elements={}\n", quote_if_needed(k.key),
                                    k.type, k.bytes, elements_text(k.elements));
                }
            } else if (c.check == Check::Policy && t.policy) {
                detail = policy_text(OutputStyle{}, *t.policy);
            } else {
                detail = keys_usage_section(OutputStyle{}, r.keys_usage);
            }
            out += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                               check_name(c.check), xml_escape(c.summary), xml_escape(detail));
        }
        out += "    </testcase>\n";
    }
    out += baseline_cases;
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

}  // namespace redisops
