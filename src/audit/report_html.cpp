// The audit as one self-contained HTML page: inline CSS, JS and SVG, a Content-Security-Policy
// that forbids every fetch, and a JSON island with the numbers the page shows (data-json
// attributes point into it), so a browser test can hold the page to the JSON report.
#include "audit/report_html.hpp"

#include <fmt/format.h>

#include "audit/report.hpp"
#include "audit/report_assets.hpp"
#include "util/units.hpp"

namespace redisops {

namespace {

/// The JSON report without its unbounded-looking parts (example keys, the big-key list), so the
/// island stays small; every number the page shows is in it, at the same path as in --format json.
nlohmann::json island(const AuditReport& r, const std::vector<CheckOutcome>& checks) {
    nlohmann::json j = audit_json(r, checks);
    for (auto& p : j["no_ttl"]["patterns"]) p.erase("examples");
    // Bounded whatever --max-patterns says; the page points only into the rows kept.
    for (auto* rows : {&j["patterns"], &j["no_ttl"]["patterns"]}) {
        if (rows->size() > html::kIslandPatterns) {
            rows->erase(rows->begin() + static_cast<std::ptrdiff_t>(html::kIslandPatterns),
                        rows->end());
            j["island_patterns_cut"] = true;
        }
    }
    j.erase("big_keys");
    j["keys_command"].erase("slowlog");
    j["keys_command"].erase("clients");
    return j;
}

}  // namespace

namespace html {

std::string header(const AuditReport& r) {
    const ServerInfo& s = r.server;
    std::string where = s.cluster ? fmt::format("cluster of {} masters", r.nodes.size())
                                  : fmt::format("database {}", s.db);
    std::string status =
        r.complete ? "<span class=\"status ok\" data-json=\"/complete\" data-value=\"1\">complete: "
                     "every key was looked at</span>"
                   : "<span class=\"status bad\" data-json=\"/complete\" data-value=\"0\">"
                     "INCOMPLETE: the audit was cut short, numbers are partial</span>";
    for (const auto& n : r.nodes) {
        if (!n.complete && !n.error.empty())
            status += "<br><span class=\"note\">" + key_text(n.address) + ": " +
                      key_text(n.error, 500) + "</span>";
    }
    return fmt::format(
        "<header><h1>Redis keyspace audit</h1><p class=\"meta\"><span>Server: <b>{}</b></span>"
        "<span>{} {}</span><span>{}</span><span>Taken {}</span><span "
        "data-json=\"/duration_ms\" data-value=\"{}\">Took {}</span></p><p>{}</p></header>\n",
        key_text(s.address), escape(s.software == "valkey" ? "Valkey" : "Redis"),
        key_text(s.version, 64), escape(where), escape(rfc3339_utc(r.generated_at)),
        r.duration.count(), escape(format_duration(r.duration)), status);
}

std::string summary(const AuditReport& r, const std::vector<CheckOutcome>& checks) {
    const KeyspaceTally& t = r.tally;
    uint64_t checked = ttl_checked(t);
    std::string out = "<div class=\"summary\">";
    out += fmt::format(
        "<p>Redis stores data as <b>keys</b> (named entries). This audit looked at <b>{}"
        "</b> that use <b>{}</b> of memory.</p>",
        count(t.keys, "key"), size(r, t.total_bytes));
    out += fmt::format(
        "<p><b>{} ({})</b> have no expiry time (TTL): they stay until someone deletes them, "
        "so a cache or session store that forgets to set one grows until memory runs out. They "
        "hold {}.</p>",
        count(t.no_ttl, "key"), percent(t.no_ttl, checked), size(r, t.no_ttl_bytes));
    out += fmt::format(
        "<p><b>{}</b> are big (at least {} each): one big key is slow to read, copy or delete "
        "and can stall the server.</p>",
        count(t.big, "key"), size(t.limits.big_bytes));
    out += fmt::format(
        "<p><b>{}</b> were run since the server's statistics were reset. KEYS "
        "walks every key at once and blocks all other clients while it runs; SCAN is the safe "
        "way.</p>",
        count(r.keys_usage.calls, "KEYS command"));
    out += "<ul class=\"findings\">";
    for (const auto& c : checks) {
        out += fmt::format("<li class=\"{}\">{}: {}{}</li>", c.over ? "over" : "ok",
                           escape(check_name(c.check)), key_text(c.summary, 2000),
                           c.over && c.gated ? " (fails the --fail-on gate)" : "");
    }
    out += "</ul></div>\n";
    return out;
}

std::string cards(const AuditReport& r) {
    const KeyspaceTally& t = r.tally;
    auto card = [](const char* label, const char* path, uint64_t value, const std::string& shown,
                   const std::string& hint, bool warn) {
        return fmt::format(
            "<div class=\"card{}\"><div class=\"label\">{}</div><div class=\"value\" "
            "data-json=\"{}\" data-value=\"{}\">{}</div><div class=\"hint\">{}</div></div>",
            warn ? " warn" : "", label, path, value, shown, hint);
    };
    // The number large, its unit small beside it: "20,000 keys".
    auto counted = [](uint64_t n, const char* noun) {
        return fmt::format("{}<span class=\"unit\"> {}{}</span>", count(n), noun,
                           n == 1 ? "" : "s");
    };
    std::string out = "<div class=\"cards\">";
    out += card("Keys", "/keys_scanned", t.keys, counted(t.keys, "key"),
                "entries looked at, each once", false);
    // Without MEMORY USAGE a size card says so, with nothing for the page test to compare.
    auto size_card = [&](const char* label, const char* path, uint64_t value,
                         const std::string& hint, bool warn) {
        if (bytes_known(r)) return card(label, path, value, size(value), hint, warn);
        return fmt::format(
            "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div>"
            "<div class=\"hint\">MEMORY USAGE was refused</div></div>",
            label, size(r, value));
    };
    out += size_card("Memory", "/memory/total_bytes", t.total_bytes,
                     fmt::format("{} bytes, as MEMORY USAGE reports", count(t.total_bytes)), false);
    out += card("Keys without expiry", "/no_ttl/count", t.no_ttl, counted(t.no_ttl, "key"),
                fmt::format("{} of the keys checked, holding {}", percent(t.no_ttl, ttl_checked(t)),
                            size(r, t.no_ttl_bytes)),
                t.no_ttl > 0);
    out += size_card("Memory without expiry", "/no_ttl/bytes", t.no_ttl_bytes,
                     fmt::format("{} of all memory", percent(t.no_ttl_bytes, t.total_bytes)),
                     t.no_ttl_bytes > 0);
    out += card("Big keys", "/big_keys_count", t.big, counted(t.big, "key"),
                fmt::format("at least {} each", size(t.limits.big_bytes)), t.big > 0);
    out += card("KEYS calls", "/keys_command/calls", r.keys_usage.calls,
                counted(r.keys_usage.calls, "call"), "blocking full scans by clients",
                r.keys_usage.calls > 0);
    out += "</div>\n";
    return out;
}

std::string notes(const AuditReport& r) {
    if (r.notes.empty()) return {};
    std::string out = "<section id=\"notes\"><h2>Notes</h2><ul>";
    for (const auto& n : r.notes) out += "<li class=\"note\">" + key_text(n, 2000) + "</li>";
    return out + "</ul></section>\n";
}

}  // namespace html

std::string audit_html(const AuditReport& r, const std::vector<CheckOutcome>& checks) {
    std::string_view css = report_asset("report.css");
    std::string_view js = report_asset("report.js");
    // Only the inline stylesheet and script with these hashes run; nothing may be fetched.
    std::string csp = fmt::format(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; "
        "form-action 'none'",
        html::csp_hash(css), html::csp_hash(js));
    std::string page;
    page.reserve(size_t{64} * 1024);
    page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    page += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + csp + "\">\n";
    page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    page += "<meta name=\"referrer\" content=\"no-referrer\">\n";
    page += "<title>Redis keyspace audit: " + html::key_text(r.server.address) + "</title>\n";
    page += "<style>";
    page += css;
    page += "</style>\n</head>\n<body>\n<main>\n";
    page += html::header(r);
    page += html::cards(r);
    page += html::summary(r, checks);
    page += html::baseline_classes(r);
    page += html::policy_violations(r);
    page += html::memory_by_pattern(r);
    page += html::no_ttl_by_pattern(r);
    page += html::ttl_distribution(r);
    page += html::size_distribution(r);
    page += html::top_keys(r);
    page += html::keys_usage(r);
    page += html::nodes(r);
    page += html::notes(r);
    page += fmt::format(
        "<footer>Made by redis-ops {} scan-audit with SCAN (never KEYS); memory is MEMORY USAGE "
        "(sampled). The numbers are also in the JSON below (id report-data), as in --format "
        "json.</footer>\n</main>\n",
        REDIS_OPS_VERSION);
    page += "<script type=\"application/json\" id=\"report-data\">";
    page += html::json_island(island(r, checks));
    page += "</script>\n<script>";
    page += js;
    page += "</script>\n</body>\n</html>\n";
    return page;
}

}  // namespace redisops
