#include "audit/baseline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {

namespace {

using nlohmann::json;

[[noreturn]] void not_a_report(const std::string& file, std::string_view why) {
    throw UsageError(
        fmt::format("--baseline {}: not a redis-ops scan-audit JSON report ({})", file, why));
}

const json& member(const json& j, const char* name, json::value_t type, const std::string& file,
                   std::string_view where) {
    auto it = j.find(name);
    if (it == j.end()) not_a_report(file, fmt::format("no `{}{}`", where, name));
    bool ok = it->type() == type || (type == json::value_t::number_unsigned &&
                                     it->is_number_integer() && it->get<long long>() >= 0);
    if (!ok) not_a_report(file, fmt::format("`{}{}` has the wrong type", where, name));
    return *it;
}

uint64_t unsigned_member(const json& j, const char* name, const std::string& file,
                         std::string_view where) {
    return member(j, name, json::value_t::number_unsigned, file, where).get<uint64_t>();
}

}  // namespace

bool BaselineSlack::grown(uint64_t before, uint64_t now) const {
    if (now <= before) return false;
    uint64_t grew = now - before;
    if (percent) return static_cast<double>(grew) > static_cast<double>(before) * *percent / 100.0;
    return grew > count;
}

std::string BaselineSlack::text() const {
    return percent ? fmt::format("{}%", *percent) : std::to_string(count);
}

BaselineSlack parse_baseline_slack(std::string_view text) {
    BaselineSlack s;
    if (text.ends_with("%")) {
        s.percent = parse_percent(text, "--baseline-slack", 1e9);
        return s;
    }
    s.percent.reset();
    s.count = static_cast<uint64_t>(parse_count(text, "--baseline-slack", 0, INT64_MAX));
    return s;
}

Baseline parse_baseline(std::string_view text, const std::string& file) {
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) not_a_report(file, "not JSON");
    if (!j.is_object()) not_a_report(file, "not a JSON object");
    Baseline b;
    b.file = file;
    b.generated_at = member(j, "generated_at", json::value_t::string, file, "").get<std::string>();
    unsigned_member(j, "keys_scanned", file, "");
    const json& no_ttl = member(j, "no_ttl", json::value_t::object, file, "");
    for (const json& p : member(no_ttl, "patterns", json::value_t::array, file, "no_ttl.")) {
        if (!p.is_object()) not_a_report(file, "a no_ttl.patterns entry is not an object");
        if (p.value("other", false)) continue;  // past --max-patterns: no identity to compare
        std::string name = member(p, "pattern", json::value_t::string, file, "no_ttl.patterns[].")
                               .get<std::string>();
        b.no_ttl_patterns[name] = {unsigned_member(p, "keys", file, "no_ttl.patterns[]."),
                                   unsigned_member(p, "bytes", file, "no_ttl.patterns[].")};
    }
    for (const json& k : member(j, "big_keys", json::value_t::array, file, "")) {
        if (!k.is_object()) not_a_report(file, "a big_keys entry is not an object");
        b.big_keys[member(k, "key", json::value_t::string, file, "big_keys[].")
                       .get<std::string>()] = unsigned_member(k, "bytes", file, "big_keys[].");
    }
    if (auto kc = j.find("keys_command"); kc != j.end() && kc->is_object())
        b.keys_calls =
            kc->contains("calls") ? unsigned_member(*kc, "calls", file, "keys_command.") : 0;
    if (auto s = j.find("server"); s != j.end() && s->is_object()) {
        if (auto a = s->find("address"); a != s->end() && a->is_string()) b.address = *a;
        if (auto d = s->find("db"); d != s->end() && d->is_number_integer()) b.db = *d;
        if (auto r = s->find("run_id"); r != s->end() && r->is_string() && !r->empty())
            b.run_ids.push_back(*r);
    }
    if (auto nodes = j.find("nodes"); nodes != j.end() && nodes->is_array()) {
        for (const json& n : *nodes) {
            if (!n.is_object()) continue;
            if (auto r = n.find("run_id"); r != n.end() && r->is_string() && !r->empty())
                b.run_ids.push_back(*r);
        }
    }
    return b;
}

std::map<std::string, uint64_t> BaselineVerdict::counts() const {
    std::map<std::string, uint64_t> out{{"new", 0}, {"grown", 0}, {"known", 0}};
    for (const auto& [_, c] : patterns) ++out[std::string(kBaselineClasses.name(c))];
    for (const auto& [_, c] : big_keys) ++out[std::string(kBaselineClasses.name(c))];
    out["gone"] = gone_patterns.size() + gone_big_keys.size();
    return out;
}

BaselineClass BaselineVerdict::pattern_class(const std::string& p) const {
    auto it = patterns.find(p);
    return it == patterns.end() ? BaselineClass::New : it->second;
}

BaselineClass BaselineVerdict::big_key_class(const std::string& k) const {
    auto it = big_keys.find(k);
    return it == big_keys.end() ? BaselineClass::New : it->second;
}

BaselineVerdict compare_to_baseline(const Baseline& b, const AuditReport& r,
                                    const BaselineSlack& slack) {
    BaselineVerdict v;
    v.file = b.file;
    v.generated_at = b.generated_at;
    v.slack = slack;
    const KeyspaceTally& t = r.tally;
    for (const auto& p : t.no_ttl_patterns.sorted()) {
        std::string name = to_json_text(p.pattern);
        auto it = b.no_ttl_patterns.find(name);
        BaselineClass c = BaselineClass::New;
        if (it != b.no_ttl_patterns.end()) {
            bool grew = slack.grown(it->second.keys, p.keys) ||
                        (slack.percent && slack.grown(it->second.bytes, p.bytes));
            c = grew ? BaselineClass::Grown : BaselineClass::Known;
        }
        if (c != BaselineClass::Known) v.new_or_grown_no_ttl_keys += p.keys;
        v.patterns[name] = c;
    }
    for (const auto& [name, _] : b.no_ttl_patterns) {
        if (!v.patterns.contains(name)) v.gone_patterns.push_back(name);
    }
    for (const auto& k : t.big_keys()) {
        std::string name = to_json_text(k.key);
        auto it = b.big_keys.find(name);
        v.big_keys[name] = it == b.big_keys.end()             ? BaselineClass::New
                           : slack.grown(it->second, k.bytes) ? BaselineClass::Grown
                                                              : BaselineClass::Known;
    }
    for (const auto& [name, _] : b.big_keys) {
        if (!v.big_keys.contains(name)) v.gone_big_keys.push_back(name);
    }
    uint64_t calls = r.keys_usage.calls;
    if (calls < b.keys_calls) {
        // INFO commandstats were reset (CONFIG RESETSTAT, a restart): count from the reset.
        v.keys_stats_reset = true;
        v.keys_calls_since = calls;
    } else {
        v.keys_calls_since = calls - b.keys_calls;
    }
    v.keys_usage_new = v.keys_calls_since > 0;

    bool same_server = b.run_ids.empty();
    for (const auto& n : r.nodes) {
        if (std::find(b.run_ids.begin(), b.run_ids.end(), n.run_id) != b.run_ids.end())
            same_server = true;
    }
    if (!same_server) {
        v.notes.push_back(fmt::format(
            "--baseline {} comes from another server or a restart (run_id differs: {}); compared "
            "anyway",
            b.file, b.address.empty() ? "unknown address" : b.address));
    }
    if (b.db != r.server.db) {
        v.notes.push_back(
            fmt::format("--baseline {} audited db {}, this audit db {}; compared "
                        "anyway",
                        b.file, b.db, r.server.db));
    }
    if (v.keys_stats_reset) {
        v.notes.push_back(fmt::format(
            "--baseline: KEYS calls went down ({} then, {} now): the stats were reset; {} calls "
            "since the reset",
            b.keys_calls, calls, calls));
    }
    return v;
}

}  // namespace redisops
