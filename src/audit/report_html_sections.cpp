// The HTML report's sections below the first screen: where the memory is, what never expires,
// the distributions, the biggest keys, KEYS evidence and the nodes.
#include <fmt/format.h>

#include <map>

#include "audit/report_html.hpp"
#include "util/units.hpp"

namespace redisops::html {

std::string section(const char* id, const char* title, const std::string& explain,
                    const std::string& body) {
    return fmt::format("<section id=\"{}\"><h2>{}</h2><p class=\"explain\">{}</p>{}</section>\n",
                       id, title, explain, body);
}

namespace {

/// A number cell that names where the JSON report holds the same value.
std::string num(const std::string& pointer, uint64_t value, const std::string& shown) {
    if (pointer.empty())
        return fmt::format("<td class=\"num\" data-value=\"{}\">{}</td>", value, shown);
    return fmt::format("<td class=\"num\" data-json=\"{}\" data-value=\"{}\">{}</td>", pointer,
                       value, shown);
}

/// A size cell: the number, or "unavailable" (and nothing for the page test to compare) when the
/// report has no sizes.
std::string bytes_num(const AuditReport& r, const std::string& pointer, uint64_t value) {
    if (!bytes_known(r)) return "<td class=\"num\">" + size(r, value) + "</td>";
    return num(pointer, value, size(value));
}

std::string filter_box(const char* table) {
    return fmt::format(
        "<input class=\"filter\" type=\"search\" hidden placeholder=\"Filter patterns…\" "
        "data-table=\"{}\" aria-label=\"Filter the table\">",
        table);
}

std::string size_band_label(const SizeBand& b) {
    if (b.min_bytes == 0) return "under " + format_size(*b.max_bytes);
    if (!b.max_bytes) return format_size(b.min_bytes) + " and more";
    return format_size(b.min_bytes) + " to " + format_size(*b.max_bytes);
}

}  // namespace

std::string memory_by_pattern(const AuditReport& r) {
    const KeyspaceTally& t = r.tally;
    // Row i of the JSON report's `patterns` (sorted by keys), to point each row at its twin.
    std::map<std::string, size_t> json_index;
    {
        size_t i = 0;
        for (const auto& p : pattern_rows(t.patterns)) {
            if (!p.other && i < kIslandPatterns) json_index.emplace(p.pattern, i);
            ++i;
        }
    }
    const std::string explain = fmt::format(
        "Keys are grouped by name: ids become <code>*</code>, so <code>user:42:profile</code> "
        "counts as <code>user:*:profile</code>. The {} patterns that use the most memory, then "
        "the rest as one row.",
        kMemoryPatterns);
    if (!bytes_known(r))
        return section("memory", "Memory by key pattern", explain, bytes_unavailable_note(r));
    std::string rows;
    for (const auto& p : pattern_rows(t.patterns, true, kMemoryPatterns)) {
        std::string at;
        if (auto it = json_index.find(p.pattern); it != json_index.end() && !p.other)
            at = fmt::format("/patterns/{}", it->second);
        rows += fmt::format(
            "<tr{} data-role=\"memory-pattern\"><td class=\"key\">{}</td>{}{}<td "
            "class=\"num\">{}</td><td class=\"bar\">{}</td></tr>",
            p.other ? " class=\"other\"" : "",
            p.other ? "other patterns (all the rest, summed)" : key_text(p.pattern),
            num(at.empty() ? "" : at + "/keys", p.keys, count(p.keys)),
            num(at.empty() ? "" : at + "/bytes", p.bytes, size(p.bytes)),
            percent(p.bytes, t.total_bytes), bar(p.bytes, t.total_bytes));
    }
    std::string body = fmt::format(
        "{}<table id=\"memory-patterns\"><thead><tr><th>Key pattern</th><th class=\"num\">Keys"
        "</th><th class=\"num\">Memory</th><th class=\"num\">Share of memory</th><th></th></tr>"
        "</thead><tbody>{}</tbody></table>",
        filter_box("memory-patterns"), rows);
    return section("memory", "Memory by key pattern", explain, body);
}

std::string no_ttl_by_pattern(const AuditReport& r) {
    const KeyspaceTally& t = r.tally;
    std::string rows;
    size_t i = 0;
    for (const auto& p : pattern_rows(t.no_ttl_patterns, false, kNoTtlPatterns)) {
        std::string at = p.other ? "" : fmt::format("/no_ttl/patterns/{}", i);
        rows += fmt::format(
            "<tr{} data-role=\"no-ttl-pattern\"><td class=\"key\">{}</td>{}{}<td "
            "class=\"bar\">{}</td></tr>",
            p.other ? " class=\"other\"" : "",
            p.other ? "other patterns (all the rest, summed)" : key_text(p.pattern),
            num(at.empty() ? "" : at + "/keys", p.keys, count(p.keys)),
            bytes_num(r, at.empty() ? "" : at + "/bytes", p.bytes), bar(p.keys, t.no_ttl, true));
        ++i;
    }
    if (rows.empty()) rows = "<tr><td colspan=\"4\">Every key checked has an expiry.</td></tr>";
    std::string body = fmt::format(
        "{}<table id=\"no-ttl-patterns\"><thead><tr><th>Key pattern</th><th class=\"num\">Keys "
        "without expiry</th><th class=\"num\">Their memory</th><th>Share of keys without expiry"
        "</th></tr></thead><tbody>{}</tbody></table>",
        filter_box("no-ttl-patterns"), rows);
    std::string ignored =
        t.ignored
            ? fmt::format(" {} keys matched --ignore and are not counted here.", count(t.ignored))
            : "";
    return section("no-ttl", "Keys without expiry, by pattern",
                   "A key without a TTL (time to live) is never removed by Redis itself. The "
                   "patterns with the most such keys come first." +
                       ignored,
                   body);
}

std::string ttl_distribution(const AuditReport& r) {
    const KeyspaceTally& t = r.tally;
    std::string rows;
    for (const auto& b : redisops::ttl_distribution(t)) {
        rows += fmt::format(
            "<tr data-role=\"ttl\"><td>{}</td>{}<td class=\"num\">{}</td><td "
            "class=\"bar\">{}</td></tr>",
            b.label, num(fmt::format("/ttl/{}", b.name), b.keys, count(b.keys)),
            percent(b.keys, t.keys), bar(b.keys, t.keys, std::string_view(b.name) == "no_expiry"));
    }
    return section(
        "ttl", "Time left before keys expire",
        "How long until Redis removes each key by itself (its TTL when the audit read it).",
        "<table id=\"ttl-table\"><thead><tr><th>Expires in</th><th class=\"num\">Keys</th><th "
        "class=\"num\">Share of keys</th><th></th></tr></thead><tbody>" +
            rows + "</tbody></table>");
}

std::string size_distribution(const AuditReport& r) {
    const KeyspaceTally& t = r.tally;
    if (!bytes_known(r))
        return section("sizes", "Key sizes", "How much memory each key uses, in bands.",
                       bytes_unavailable_note(r));
    std::string rows;
    size_t i = 0;
    for (const auto& b : redisops::size_distribution(t.memory)) {
        rows += fmt::format(
            "<tr data-role=\"size\"><td>{}</td>{}<td class=\"num\">{}</td><td "
            "class=\"bar\">{}</td></tr>",
            escape(size_band_label(b)),
            num(fmt::format("/memory/size_distribution/{}/keys", i), b.keys, count(b.keys)),
            percent(b.keys, t.keys), bar(b.keys, t.keys));
        ++i;
    }
    std::string body = fmt::format(
        "<p>Half the keys use at most <b data-json=\"/memory/p50_bytes\" data-value=\"{}\">{}"
        "</b>, 99% at most <b data-json=\"/memory/p99_bytes\" data-value=\"{}\">{}</b>; the "
        "biggest uses <b data-json=\"/memory/max_bytes\" data-value=\"{}\">{}</b>.</p>"
        "<table id=\"size-table\"><thead><tr><th>Memory per key</th><th class=\"num\">Keys</th>"
        "<th class=\"num\">Share of keys</th><th></th></tr></thead><tbody>{}</tbody></table>",
        t.memory.percentile(0.5), size(t.memory.percentile(0.5)), t.memory.percentile(0.99),
        size(t.memory.percentile(0.99)), t.memory.max(), size(t.memory.max()), rows);
    return section("sizes", "Key sizes", "How much memory each key uses, in bands.", body);
}

std::string top_keys(const AuditReport& r) {
    const KeyspaceTally& t = r.tally;
    auto row = [&](const KeyEntry& e, const std::string& at) {
        return fmt::format(
            "<tr data-role=\"{}\"><td class=\"key\">{}</td><td>{}</td>{}<td class=\"num\">{}</td>"
            "</tr>",
            at.empty() ? "big-key" : "top-key", key_text(e.key), key_text(e.type, 32),
            bytes_num(r, at.empty() ? "" : at + "/bytes", e.bytes),
            e.elements ? count(*e.elements) : "");
    };
    std::string head =
        "<thead><tr><th>Key</th><th>Type</th><th class=\"num\">Memory</th><th "
        "class=\"num\">Elements</th></tr></thead>";
    std::string body;
    if (bytes_known(r)) {
        std::string rows;
        size_t i = 0;
        for (const auto& e : t.top.sorted()) rows += row(e, fmt::format("/top_keys/{}", i++));
        if (rows.empty()) rows = "<tr><td colspan=\"4\">No keys.</td></tr>";
        body = "<table id=\"top-keys\">" + head + "<tbody>" + rows + "</tbody></table>";
    } else {
        body = bytes_unavailable_note(r);
    }
    std::vector<KeyEntry> big = t.big_keys();
    std::string big_rows;
    for (size_t k = 0; k < big.size() && k < kListedRows; ++k) big_rows += row(big[k], "");
    body += fmt::format(
        "<h3>Big keys: <span data-json=\"/big_keys_count\" data-value=\"{}\">{}"
        "</span> at least {}{}</h3>",
        t.big, count(t.big), size(t.limits.big_bytes),
        t.limits.big_elements ? fmt::format(" or {} elements", count(*t.limits.big_elements)) : "");
    if (!big_rows.empty()) {
        body += "<table id=\"big-keys\">" + head + "<tbody>" + big_rows + "</tbody></table>";
        if (big.size() > kListedRows || t.big > big.size())
            body += fmt::format("<p class=\"note\">The {} biggest are listed.</p>",
                                count(std::min<uint64_t>(big.size(), kListedRows)));
    }
    return section("top", "The biggest keys", "The keys that use the most memory.", body);
}

std::string keys_usage(const AuditReport& r) {
    const KeysUsage& k = r.keys_usage;
    std::string body = fmt::format(
        "<p><b data-json=\"/keys_command/calls\" data-value=\"{}\">{}</b> KEYS calls took {} of "
        "server time in all (INFO commandstats, since the last CONFIG RESETSTAT).",
        k.calls, count(k.calls), escape(format_duration(std::chrono::milliseconds(k.usec / 1000))));
    if (k.acl_allows)
        body += *k.acl_allows ? " The ACLs still allow KEYS to the user "
                                "this audit ran as."
                              : " The ACLs deny KEYS to the user this audit ran as.";
    body += "</p>";
    if (!k.slowlog.empty()) {
        std::string rows;
        for (size_t i = 0; i < k.slowlog.size() && i < kListedRows; ++i) {
            const auto& s = k.slowlog[i];
            rows += fmt::format(
                "<tr data-role=\"slowlog\"><td class=\"key\">{}</td><td class=\"num\">{}</td><td>"
                "{}</td><td>{}</td><td class=\"key\">{}</td><td>{}</td></tr>",
                key_text(s.pattern),
                escape(format_duration(std::chrono::milliseconds(s.duration_us / 1000))),
                escape(rfc3339_utc(
                    std::chrono::system_clock::time_point(std::chrono::seconds(s.time)))),
                key_text(s.client_addr), key_text(s.client_name), key_text(s.node));
        }
        body +=
            "<h3>In the slow log</h3><table id=\"keys-slowlog\"><thead><tr><th>KEYS pattern"
            "</th><th class=\"num\">Took</th><th>When</th><th>Client address</th><th>Client "
            "name</th><th>Node</th></tr></thead><tbody>" +
            rows + "</tbody></table>";
    }
    if (!k.clients.empty()) {
        std::string rows;
        for (size_t i = 0; i < k.clients.size() && i < kListedRows; ++i) {
            const auto& c = k.clients[i];
            rows += fmt::format(
                "<tr data-role=\"keys-client\"><td class=\"key\">{}</td><td class=\"key\">{}</td>"
                "<td>{}</td><td>{}</td></tr>",
                key_text(c.addr), key_text(c.name), key_text(c.user), key_text(c.node));
        }
        body +=
            "<h3>Connected clients whose last command was KEYS</h3><table "
            "id=\"keys-clients\"><thead><tr><th>Address</th><th>Name</th><th>User</th><th>"
            "Node</th></tr></thead><tbody>" +
            rows + "</tbody></table>";
    }
    for (const auto& n : k.notes) body += "<p class=\"note\">" + key_text(n, 2000) + "</p>";
    return section("keys-usage", "Evidence of KEYS",
                   "KEYS lists every key in one go and freezes the server meanwhile; an "
                   "application should use SCAN. Who still sends it:",
                   body);
}

std::string nodes(const AuditReport& r) {
    if (!r.server.cluster && r.nodes.size() < 2) return {};
    std::string rows;
    size_t i = 0;
    for (const auto& n : r.nodes) {
        rows += fmt::format(
            "<tr data-role=\"node\"><td class=\"key\">{}</td><td class=\"key\">{}</td><td>{}</td>"
            "{}<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}"
            "</td></tr>",
            key_text(n.address), key_text(n.source), key_text(n.server_version, 64),
            num(fmt::format("/nodes/{}/keys_scanned", i), n.keys_scanned, count(n.keys_scanned)),
            n.tally ? size(r, n.tally->total_bytes) : "", n.tally ? count(n.tally->no_ttl) : "",
            escape(format_duration(n.duration)),
            n.complete ? "complete" : "<b>cut short</b>: " + key_text(n.error, 500));
        ++i;
    }
    return section("nodes", "Nodes",
                   "Each master of the cluster was walked on its own; the numbers above add "
                   "them up.",
                   "<table id=\"nodes-table\"><thead><tr><th>Master</th><th>Read from</th><th>"
                   "Version</th><th class=\"num\">Keys</th><th class=\"num\">Memory</th><th "
                   "class=\"num\">Keys without expiry</th><th class=\"num\">Took</th><th>Status"
                   "</th></tr></thead><tbody>" +
                       rows + "</tbody></table>");
}

}  // namespace redisops::html
