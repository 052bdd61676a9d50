// Sections of the table output built from the every-key pattern table.
#pragma once

#include <string>

#include "audit/report.hpp"

namespace redisops {

/// Top patterns by bytes with their TTL range and, with --idle, idle times.
std::string memory_patterns_section(const OutputStyle& style, const AuditReport& r);
/// --idle-over: keys without TTL idle longer than D, by pattern ("" when none).
std::string idle_over_section(const OutputStyle& style, const AuditReport& r);

}  // namespace redisops
