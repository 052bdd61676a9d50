#include "audit/report.hpp"
#include "util/text.hpp"

namespace redisops {

namespace {

using nlohmann::json;

json key_json(const KeyEntry& e) {
    json j{{"key", to_json_text(e.key)}, {"type", e.type}, {"bytes", e.bytes}};
    j["elements"] = e.elements ? json(*e.elements) : json(nullptr);
    return j;
}

json keys_json(const std::vector<KeyEntry>& entries) {
    json a = json::array();
    for (const auto& e : entries) a.push_back(key_json(e));
    return a;
}

json no_ttl_json(const KeyspaceTally& t) {
    json patterns = json::array();
    for (const auto& p : t.no_ttl_patterns.sorted()) {
        json ex = json::array();
        for (const auto& k : p.examples) ex.push_back(to_json_text(k));
        patterns.push_back({{"pattern", to_json_text(p.pattern)},
                            {"keys", p.keys},
                            {"bytes", p.bytes},
                            {"examples", ex}});
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

nlohmann::json audit_json(const AuditReport& r, const std::vector<CheckOutcome>& checks) {
    const KeyspaceTally& t = r.tally;
    const WalkOptions& w = r.options.walk;
    json j;
    j["complete"] = r.complete;
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
    j["no_ttl"] = no_ttl_json(t);
    j["big_keys"] = keys_json(t.big_keys());
    j["big_keys_count"] = t.big;
    j["big_bytes_threshold"] = t.limits.big_bytes;
    j["big_elements_threshold"] =
        t.limits.big_elements ? json(*t.limits.big_elements) : json(nullptr);
    j["top_keys"] = keys_json(t.top.sorted());
    j["types"] = json::object();
    for (const auto& [type, n] : t.types) j["types"][type] = n;
    j["ttl"] = {{"no_expiry", t.ttl[kNoExpiry]},
                {"under_1h", t.ttl[kUnder1h]},
                {"1h_to_24h", t.ttl[kUnder24h]},
                {"1d_to_7d", t.ttl[kUnder7d]},
                {"over_7d", t.ttl[kOver7d]}};
    j["memory"] = {{"total_bytes", t.total_bytes},
                   {"p50_bytes", t.memory.percentile(0.50)},
                   {"p90_bytes", t.memory.percentile(0.90)},
                   {"p99_bytes", t.memory.percentile(0.99)},
                   {"max_bytes", t.memory.max()}};
    j["keys_command"] = keys_command_json(r.keys_usage);
    // From a snapshot, `bytes` are serialized sizes; MEMORY USAGE is what a live walk reports.
    j["bytes_source"] = r.rdb ? "rdb" : "memory_usage";
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
        j["nodes"].push_back({{"address", n.address},
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
                              {"duration_ms", n.duration.count()}});
    }
    j["notes"] = r.notes;
    return j;
}

}  // namespace redisops
