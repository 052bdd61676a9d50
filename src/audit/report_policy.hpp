// The --policy part of each report format.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audit/policy_tally.hpp"
#include "util/output.hpp"

namespace redisops {

/// `{file, errors, warnings, rules[{rule, match, type, line, severity, keys, bytes, fields,
/// patterns[{pattern, keys, bytes, examples}]}]}`.
nlohmann::json policy_json(const PolicyTally& t);
/// Violations by rule and pattern ("" when there are none).
std::string policy_text(const OutputStyle& style, const PolicyTally& t);

/// One `policy_violations{rule,severity}` sample per rule.
struct PolicySeries {
    std::string rule;  // "#1 session:*" or "defaults"
    std::string severity;
    uint64_t keys = 0;
};
std::vector<PolicySeries> policy_series(const PolicyTally& t);

}  // namespace redisops
