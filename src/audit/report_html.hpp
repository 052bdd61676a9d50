// The pieces of the HTML report (audit_html in report.hpp): text that is safe to place in a page,
// and one function per section. Every string that came from Redis goes through key_text() or
// escape() before it reaches the page.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "audit/checks.hpp"
#include "audit/report.hpp"

namespace redisops::html {

/// `&`, `<`, `>`, `"`, `'` as entities; the text must be valid UTF-8 (key_text makes it so).
std::string escape(std::string_view utf8);
/// A key or pattern as the page shows it, escaped: printable UTF-8 as is, anything else (control
/// bytes, invalid UTF-8) as redis-cli's quoted form; cut to `max` bytes with "…".
std::string key_text(std::string_view bytes, size_t max = 300);
/// "1,234,567".
std::string count(uint64_t n);
/// "1 key", "1,234 keys": count(n) and the noun, plural unless n is 1.
std::string count(uint64_t n, std::string_view noun);
/// "1.2 MiB" (powers of 1024).
std::string size(uint64_t bytes);
/// Whether the report has sizes: without MEMORY USAGE (an ACL that denies it) it has none, and
/// the page says "unavailable" where a size would be, never "0 B".
bool bytes_known(const AuditReport& r);
/// size(bytes), or "unavailable" when the report has no sizes.
std::string size(const AuditReport& r, uint64_t bytes);
/// The paragraph that stands in for a table of sizes the report does not have.
std::string bytes_unavailable_note(const AuditReport& r);
/// "12.3%"; "0%" for an empty whole.
std::string percent(uint64_t part, uint64_t whole);
/// A bar of `part / whole` as inline SVG (presentation attributes only: the CSP forbids style="").
std::string bar(uint64_t part, uint64_t whole, bool warn = false);
/// A <script type="application/json"> body: `<`, `>`, `&`, U+2028 and U+2029 as \u escapes, so
/// no key can end the element or break a JS parser.
std::string json_island(const nlohmann::json& doc);
/// The CSP source for an inline block: 'sha256-<base64>'.
std::string csp_hash(std::string_view body);

/// `<section id><h2>title</h2><p class="explain">…</p>body</section>`; id, title and explain
/// are the page's own words, body is already escaped.
std::string section(const char* id, const char* title, const std::string& explain,
                    const std::string& body);

// The sections, in page order.
std::string header(const AuditReport& r);
std::string summary(const AuditReport& r, const std::vector<CheckOutcome>& checks);
std::string cards(const AuditReport& r);
std::string memory_by_pattern(const AuditReport& r);
std::string no_ttl_by_pattern(const AuditReport& r);
std::string ttl_distribution(const AuditReport& r);
std::string size_distribution(const AuditReport& r);
std::string top_keys(const AuditReport& r);
std::string keys_usage(const AuditReport& r);
std::string nodes(const AuditReport& r);
std::string baseline_classes(const AuditReport& r);   // with --baseline only
std::string policy_violations(const AuditReport& r);  // with --policy only
std::string notes(const AuditReport& r);

/// How many rows the bounded tables show; the rest are summed in an "other" row.
inline constexpr size_t kMemoryPatterns = 30;
inline constexpr size_t kNoTtlPatterns = 50;
inline constexpr size_t kListedRows = 100;       // big keys, slow log entries, clients
inline constexpr size_t kIslandPatterns = 1000;  // pattern rows the JSON island keeps

}  // namespace redisops::html
