// An audit report as JSON (the DESIGN.md fields), as text tables, and as JUnit XML.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audit/audit.hpp"
#include "audit/checks.hpp"
#include "util/output.hpp"

namespace redisops {

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
