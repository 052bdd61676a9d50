// An audit report as JSON (the DESIGN.md fields), as text tables, and as JUnit XML.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audit/audit.hpp"
#include "audit/checks.hpp"
#include "util/enum_table.hpp"
#include "util/output.hpp"

namespace redisops {

enum class ReportFormat { Table, Json, Junit };

/// scan-audit --format.
inline constexpr EnumTable kReportFormats{
    "format",
    std::array{
        EnumName<ReportFormat>{"table", ReportFormat::Table, "tables for people (the default)"},
        EnumName<ReportFormat>{"json", ReportFormat::Json, "one JSON document"},
        EnumName<ReportFormat>{"junit", ReportFormat::Junit, "JUnit XML, a testcase per check"},
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

}  // namespace redisops
