#include <algorithm>
#include <ctime>

#include "audit/report.hpp"
#include "audit/report_policy.hpp"
#include "util/text.hpp"

namespace redisops {

namespace {

using nlohmann::json;

json key_json(const KeyEntry& e) {
    json j{{"key", to_json_text(e.key)}, {"type", e.type}, {"bytes", e.bytes}};
    j["elements"] = e.elements ? json(*e.elements) : json(nullptr);
    return j;
}

json keys_json(const std::vector<KeyEntry>& entries, const BaselineVerdict* base = nullptr) {
    json a = json::array();
    for (const auto& e : entries) {
        json k = key_json(e);
        if (base) {
            k["baseline"] =
                std::string(kBaselineClasses.name(base->big_key_class(to_json_text(e.key))));
        }
        a.push_back(std::move(k));
    }
    return a;
}

json baseline_json(const BaselineVerdict& v) {
    json counts = json::object();
    for (const auto& [c, n] : v.counts()) counts[c] = n;
    return {{"file", to_json_text(v.file)},
            {"generated_at", v.generated_at},
            {"slack", v.slack.text()},
            {"counts", counts},
            {"gone", {{"patterns", v.gone_patterns}, {"big_keys", v.gone_big_keys}}},
            {"keys_command",
             {{"new", v.keys_usage_new},
              {"calls_since", v.keys_calls_since},
              {"stats_reset", v.keys_stats_reset}}}};
}

json no_ttl_json(const KeyspaceTally& t, const BaselineVerdict* base) {
    json patterns = json::array();
    for (const auto& p : t.no_ttl_patterns.sorted()) {
        json ex = json::array();
        for (const auto& k : p.examples) ex.push_back(to_json_text(k));
        json row{{"pattern", to_json_text(p.pattern)},
                 {"keys", p.keys},
                 {"bytes", p.bytes},
                 {"examples", ex}};
        if (base) {
            row["baseline"] =
                std::string(kBaselineClasses.name(base->pattern_class(to_json_text(p.pattern))));
        }
        patterns.push_back(std::move(row));
    }
    const PatternCount& other = t.no_ttl_patterns.other();
    if (other.keys > 0) {
        // Past --max-patterns: kept as one entry so the patterns still sum to the count.
        patterns.push_back({{"pattern", "other"},
                            {"keys", other.keys},
                            {"bytes", other.bytes},
                            {"examples", json::array()},
                            {"other", true}});
    }
    uint64_t checked = ttl_checked(t);
    return {{"count", t.no_ttl},
            {"bytes", t.no_ttl_bytes},
            {"keys_checked", checked},
            {"percent",
             checked ? 100.0 * static_cast<double>(t.no_ttl) / static_cast<double>(checked) : 0.0},
            {"patterns_capped", other.keys > 0},
            {"patterns", patterns}};
}

json rdb_json(const RdbFacts& f) {
    json dbs = json::array();
    for (const auto& [db, d] : f.dbs) {
        dbs.push_back({{"db", db},
                       {"keys", d.keys},
                       {"no_ttl", d.no_ttl},
                       {"expired_keys", d.expired},
                       {"bytes", d.bytes},
                       {"est_memory_bytes", d.est_memory_bytes},
                       {"resizedb_keys", d.resize_keys},
                       {"resizedb_expires", d.resize_expires}});
    }
    return {{"version", f.version},
            {"redis_version", f.redis_version},
            {"checksum_verified", f.checksum_verified},
            {"snapshot_bytes", f.snapshot_bytes},
            {"snapshot_time_ms", f.snapshot_time_ms},
            {"expired_keys", f.expired_keys},
            {"expired_bytes", f.expired_bytes},
            {"keys_with_idle", f.keys_with_idle},
            {"idle_max_s", f.keys_with_idle ? json(f.idle_max_s) : json(nullptr)},
            {"keys_with_freq", f.keys_with_freq},
            {"functions", f.functions},
            {"module_aux", f.module_aux},
            {"dbs", dbs}};
}

json opt_json(bool known, uint64_t v) { return known ? json(v) : json(nullptr); }

/// `{pattern, keys, bytes, no_ttl, ttl_min_ms, ttl_p50_ms, ttl_max_ms}` and, with --idle, the
/// idle (or LFU) fields. The TTL p50 is a bucket's upper edge: at most 12.5 % above the truth.
json pattern_rows_json(const std::vector<PatternRow>& rows, const std::string& idle) {
    json a = json::array();
    for (const auto& p : rows) {
        json row{{"pattern", to_json_text(p.pattern)}, {"keys", p.keys}, {"bytes", p.bytes}};
        PatternStats none;
        const PatternStats& s = p.stats ? *p.stats : none;
        bool ttl = s.ttl_ms.count() > 0;
        row["no_ttl"] = s.no_ttl;
        row["ttl_min_ms"] = opt_json(ttl, s.ttl_ms.min());
        row["ttl_p50_ms"] = opt_json(ttl, s.ttl_ms.percentile(0.5));
        row["ttl_max_ms"] = opt_json(ttl, s.ttl_ms.max());
        bool seen = s.idle.count() > 0;
        if (idle == "freq") {
            row["freq_p50"] = opt_json(seen, s.idle.percentile(0.5));
            row["freq_max"] = opt_json(seen, s.idle.max());
        } else if (!idle.empty()) {
            row["idle_p50_s"] = opt_json(seen, s.idle.percentile(0.5));
            row["idle_max_s"] = opt_json(seen, s.idle.max());
            row["idle_over"] = s.idle_over;
            row["idle_over_bytes"] = s.idle_over_bytes;
            json ex = json::array();
            for (const auto& k : s.idle_over_examples) ex.push_back(to_json_text(k));
            row["idle_over_examples"] = ex;
        }
        if (p.other) row["other"] = true;
        a.push_back(std::move(row));
    }
    return a;
}

json idle_json(const AuditReport& r, const std::string& source) {
    const KeyspaceTally& t = r.tally;
    json j{{"source", source},
           {"keys_read", source == "freq" ? t.with_freq : t.with_idle},
           {"over_ms", t.limits.idle_over_ms ? json(*t.limits.idle_over_ms) : json(nullptr)},
           {"over_count", t.idle_over},
           {"over_bytes", t.idle_over_bytes}};
    return j;
}

json keys_command_json(const KeysUsage& k) {
    json slow = json::array();
    for (const auto& s : k.slowlog) {
        slow.push_back({{"node", s.node},
                        {"id", s.id},
                        {"time", s.time},
                        {"duration_us", s.duration_us},
                        {"pattern", to_json_text(s.pattern)},
                        {"client_addr", s.client_addr},
                        {"client_name", to_json_text(s.client_name)}});
    }
    json clients = json::array();
    for (const auto& c : k.clients) {
        clients.push_back({{"node", c.node},
                           {"id", c.id},
                           {"addr", c.addr},
                           {"name", to_json_text(c.name)},
                           {"user", c.user}});
    }
    return {{"calls", k.calls},
            {"usec", k.usec},
            {"evidence", k.evidence()},
            {"slowlog", slow},
            {"clients", clients},
            {"acl_user", k.acl_user},
            {"acl_allows_keys", k.acl_allows ? json(*k.acl_allows) : json(nullptr)},
            {"notes", k.notes}};
}

}  // namespace

std::string rfc3339_utc(std::chrono::system_clock::time_point t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::vector<PatternRow> pattern_rows(const NoTtlPatterns& table, bool by_bytes, size_t limit) {
    std::vector<PatternCount> sorted = table.sorted();
    if (by_bytes) {
        std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
            return a.bytes != b.bytes ? a.bytes > b.bytes : a.keys > b.keys;
        });
    }
    std::vector<PatternRow> rows;
    PatternRow other{"other", table.other().keys, table.other().bytes, true, table.other().stats};
    for (auto& p : sorted) {
        if (rows.size() < limit) {
            rows.push_back({std::move(p.pattern), p.keys, p.bytes, false, std::move(p.stats)});
        } else {
            other.keys += p.keys;
            other.bytes += p.bytes;
            if (p.stats && other.stats)
                other.stats->merge(*p.stats);
            else if (p.stats)
                other.stats = std::move(p.stats);
        }
    }
    if (other.keys > 0) rows.push_back(std::move(other));
    return rows;
}

std::vector<SizeBand> size_distribution(const MemoryHistogram& h) {
    std::vector<SizeBand> bands;
    uint64_t lo = 0;
    for (uint64_t hi : {64ull, 256ull, 1024ull, 4096ull, 16384ull, 65536ull, 262144ull, 1048576ull,
                        16777216ull}) {
        bands.push_back({lo, hi, h.count_below(hi) - h.count_below(lo)});
        lo = hi;
    }
    bands.push_back({lo, std::nullopt, h.count() - h.count_below(lo)});
    return bands;
}

std::string idle_source(const KeyspaceTally& t) {
    if (t.with_idle > 0 && t.with_freq > 0) return "mixed";
    if (t.with_freq > 0) return "freq";
    if (t.with_idle > 0) return "idletime";
    return "";
}

std::vector<TtlBand> ttl_distribution(const KeyspaceTally& t) {
    return {{"no_expiry", "no expiry", t.ttl[kNoExpiry]},
            {"under_1h", "under 1 hour", t.ttl[kUnder1h]},
            {"1h_to_24h", "1 to 24 hours", t.ttl[kUnder24h]},
            {"1d_to_7d", "1 to 7 days", t.ttl[kUnder7d]},
            {"over_7d", "7 days or more", t.ttl[kOver7d]}};
}

namespace {

/// Without MEMORY USAGE every size is unknown: null, never a zero that reads as "empty".
void null_bytes(json& j) {
    if (j.is_array()) {
        for (auto& e : j) null_bytes(e);
        return;
    }
    if (!j.is_object()) return;
    for (auto& [field, value] : j.items()) {
        bool size = field == "bytes" || (field.ends_with("_bytes") && !field.starts_with("big_"));
        if (size) {
            value = nullptr;
        } else {
            null_bytes(value);
        }
    }
    if (j.contains("memory")) {
        j["memory"]["by_type"] = nullptr;
        j["memory"]["size_distribution"] = nullptr;
    }
}

}  // namespace

nlohmann::json audit_json(const AuditReport& r, const std::vector<CheckOutcome>& checks) {
    const KeyspaceTally& t = r.tally;
    const WalkOptions& w = r.options.walk;
    json j;
    j["complete"] = r.complete;
    j["generated_at"] = rfc3339_utc(r.generated_at);
    j["server"] = {{"address", to_json_text(r.server.address)},
                   {"software", r.server.software},
                   {"version", r.server.version},
                   {"redis_version", r.server.redis_version},
                   {"run_id", r.server.run_id},
                   {"mode", r.server.cluster ? "cluster" : "standalone"},
                   {"db", r.server.db}};
    j["keys_scanned"] = t.keys;
    j["keys_ignored"] = t.ignored;
    j["keys_vanished"] = r.vanished;
    j["duplicates_skipped"] = r.duplicates;
    j["estimate"] = {{"keys", r.estimate.keys},
                     {"expires", r.estimate.expires},
                     {"no_ttl", r.estimate.no_ttl()}};
    j["duration_ms"] = r.duration.count();
    j["longest_call_ms"] = r.longest_call.count();
    j["keys_per_second"] =
        r.duration.count() > 0 ? t.keys * 1000 / static_cast<uint64_t>(r.duration.count()) : t.keys;
    j["scan"] = {{"count", w.count}, {"match", to_json_text(w.match)},
                 {"type", w.type},   {"ignore", json::array()},
                 {"rate", w.rate},   {"element_counts", w.element_counts}};
    for (const auto& g : w.ignore) j["scan"]["ignore"].push_back(to_json_text(g));
    const BaselineVerdict* base = r.baseline ? &*r.baseline : nullptr;
    j["no_ttl"] = no_ttl_json(t, base);
    j["big_keys"] = keys_json(t.big_keys(), base);
    if (base) j["baseline"] = baseline_json(*base);
    if (t.policy) j["policy"] = policy_json(*t.policy);
    j["big_keys_count"] = t.big;
    j["big_bytes_threshold"] = t.limits.big_bytes;
    j["big_elements_threshold"] =
        t.limits.big_elements ? json(*t.limits.big_elements) : json(nullptr);
    j["top_keys"] = keys_json(t.top.sorted());
    j["types"] = json::object();
    for (const auto& [type, n] : t.types) j["types"][type] = n;
    j["ttl"] = json::object();
    for (const auto& b : ttl_distribution(t)) j["ttl"][b.name] = b.keys;
    j["memory"] = {{"total_bytes", t.total_bytes},
                   {"p50_bytes", t.memory.percentile(0.50)},
                   {"p90_bytes", t.memory.percentile(0.90)},
                   {"p99_bytes", t.memory.percentile(0.99)},
                   {"max_bytes", t.memory.max()}};
    j["memory"]["by_type"] = json::object();
    for (const auto& [type, n] : t.type_bytes) j["memory"]["by_type"][type] = n;
    j["memory"]["size_distribution"] = json::array();
    for (const auto& b : size_distribution(t.memory)) {
        j["memory"]["size_distribution"].push_back(
            {{"min_bytes", b.min_bytes},
             {"max_bytes", b.max_bytes ? json(*b.max_bytes) : json(nullptr)},
             {"keys", b.keys}});
    }
    // Every key by pattern (the no-TTL table above holds only the keys without a TTL).
    std::string idle = r.options.walk.idle ? idle_source(t) : "";
    if (r.options.walk.idle && idle.empty()) idle = "idletime";
    j["patterns"] = pattern_rows_json(pattern_rows(t.patterns), idle);
    if (r.options.walk.idle) j["idle"] = idle_json(r, idle);
    j["keys_command"] = keys_command_json(r.keys_usage);
    // From a snapshot, `bytes` are serialized sizes; MEMORY USAGE is what a live walk reports.
    j["bytes_source"] = r.rdb                         ? "rdb"
                        : r.bytes_unavailable.empty() ? "memory_usage"
                                                      : "unavailable";
    if (r.rdb) {
        j["est_memory_bytes"] = r.rdb->est_memory_bytes;
        j["rdb"] = rdb_json(*r.rdb);
    }
    j["checks"] = json::array();
    j["failed_checks"] = json::array();
    for (const auto& c : checks) {
        j["checks"].push_back({{"name", check_name(c.check)},
                               {"over", c.over},
                               {"gated", c.gated},
                               {"summary", c.summary}});
        if (c.over && c.gated) j["failed_checks"].push_back(check_name(c.check));
    }
    j["nodes"] = json::array();
    for (const auto& n : r.nodes) {
        json node({{"address", n.address},
                   {"source", n.source},
                   {"complete", n.complete},
                   {"error", n.error.empty() ? json(nullptr) : json(n.error)},
                   {"keys_scanned", n.keys_scanned},
                   {"duplicates_skipped", n.duplicates},
                   {"keys_vanished", n.vanished},
                   {"scan_calls", n.scan_calls},
                   {"estimate_keys", n.estimate.keys},
                   {"estimate_expires", n.estimate.expires},
                   {"longest_call_ms", n.longest_call.count()},
                   {"duration_ms", n.duration.count()},
                   {"server_version", n.server_version},
                   {"run_id", n.run_id},
                   {"keys_command_calls", n.keys_command_calls}});
        // On a cluster, each node's share of the merged findings, in the same shapes.
        if (r.server.cluster && n.tally) {
            const KeyspaceTally& nt = *n.tally;
            node["no_ttl"] = no_ttl_json(nt, nullptr);
            node["big_keys_count"] = nt.big;
            node["types"] = json::object();
            for (const auto& [type, count] : nt.types) node["types"][type] = count;
            node["total_bytes"] = nt.total_bytes;
            node["patterns"] = pattern_rows_json(pattern_rows(nt.patterns), idle);
            if (nt.policy) node["policy"] = policy_json(*nt.policy);
        }
        j["nodes"].push_back(std::move(node));
    }
    j["notes"] = r.notes;
    if (base) {
        for (const auto& n : base->notes) j["notes"].push_back(n);
    }
    if (!r.bytes_unavailable.empty()) null_bytes(j);
    return j;
}

}  // namespace redisops
