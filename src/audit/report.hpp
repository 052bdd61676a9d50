// An audit report as JSON (the fields redis-ops-scan-audit(1) documents), as text tables, and as
// JUnit XML.
#pragma once

#include <chrono>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.hpp"
#include "audit/checks.hpp"
#include "util/enum_table.hpp"
#include "util/output.hpp"

namespace redisops {

enum class ReportFormat { Table, Json, Junit, Prometheus, Html };

/// scan-audit --format.
inline constexpr EnumTable kReportFormats{
    "format",
    std::array{
        EnumName<ReportFormat>{"table", ReportFormat::Table, "tables for people (the default)"},
        EnumName<ReportFormat>{"json", ReportFormat::Json, "one JSON document"},
        EnumName<ReportFormat>{"junit", ReportFormat::Junit, "JUnit XML, a testcase per check"},
        EnumName<ReportFormat>{"prometheus", ReportFormat::Prometheus,
                               "Prometheus text exposition, for node_exporter or a pushgateway"},
        EnumName<ReportFormat>{"html", ReportFormat::Html,
                               "one self-contained HTML page that opens offline"},
    }};

nlohmann::json audit_json(const AuditReport& r, const std::vector<CheckOutcome>& checks);
/// Tables for people; plain text without colour when style says so.
std::string audit_text(const AuditReport& r, const std::vector<CheckOutcome>& checks,
                       const OutputStyle& style);
/// One testcase per check; a finding over its threshold is a <failure>; an incomplete audit
/// adds an <error> to each, so no check passes.
std::string audit_junit(const AuditReport& r, const std::vector<CheckOutcome>& checks);

/// `&`, `<`, `>`, `"`, `'` escaped; other bytes must already be printable (see quote_if_needed).
std::string xml_escape(std::string_view text);

/// Prometheus text exposition (redis_ops_audit_*); a `node` label per node on a cluster.
std::string audit_prometheus(const AuditReport& r, const std::vector<CheckOutcome>& checks);
/// One self-contained HTML page: inline CSS, JS and SVG, no network, every key escaped.
std::string audit_html(const AuditReport& r, const std::vector<CheckOutcome>& checks);

/// "2026-12-01T16:23:57Z".
std::string rfc3339_utc(std::chrono::system_clock::time_point t);

/// One row of a pattern table as every format shows it.
struct PatternRow {
    std::string pattern;
    uint64_t keys = 0;
    uint64_t bytes = 0;
    bool other = false;  // the keys past --max-patterns (or past `limit`), folded together
    std::optional<PatternStats> stats;  // TTL range, idle times (the every-key table only)
};
/// Patterns by keys (or by bytes) descending; past `limit` rows the rest become one "other" row,
/// so the rows always sum to what the table counted.
std::vector<PatternRow> pattern_rows(const NoTtlPatterns& table, bool by_bytes = false,
                                     size_t limit = std::numeric_limits<size_t>::max());

/// Keys by MEMORY USAGE in bands [min, max): under 64 B, 64-256 B, … 1-16 MiB, 16 MiB and more.
struct SizeBand {
    uint64_t min_bytes = 0;
    std::optional<uint64_t> max_bytes;  // exclusive; none for the last band
    uint64_t keys = 0;
};
std::vector<SizeBand> size_distribution(const MemoryHistogram& h);

/// The TTL buckets with their JSON names, in order: no_expiry, under_1h, … over_7d.
struct TtlBand {
    const char* name;   // JSON field of `ttl`
    const char* label;  // plain words: "no expiry", "under 1 hour", …
    uint64_t keys;
};
std::vector<TtlBand> ttl_distribution(const KeyspaceTally& t);

/// What --idle read: "idletime" (OBJECT IDLETIME, seconds), "freq" (OBJECT FREQ under an LFU
/// policy), "mixed" (nodes differ) or "" (not asked, or nothing answered).
std::string idle_source(const KeyspaceTally& t);

}  // namespace redisops
