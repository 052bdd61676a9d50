// The violations of a --policy, counted key by key in bounded memory: per rule a count, bytes,
// counts per field and the violators grouped by pattern (capped like every pattern table).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "audit/no_ttl_patterns.hpp"
#include "audit/policy.hpp"

namespace redisops {

struct RuleViolations {
    explicit RuleViolations(size_t max_patterns) : patterns(max_patterns) {}
    uint64_t keys = 0;
    uint64_t bytes = 0;
    std::array<uint64_t, static_cast<size_t>(PolicyField::kCount)> fields{};
    NoTtlPatterns patterns;  // the violating keys by pattern, with examples
};

class PolicyTally {
  public:
    PolicyTally(std::shared_ptr<const Policy> policy, size_t max_patterns);
    /// Evaluates one key under its first matching rule; returns that rule.
    const PolicyRule& add(const PolicyKey& k);
    void merge(const PolicyTally& o);

    const Policy& policy() const { return *policy_; }
    /// One entry per rule, then one for the defaults (keys no rule matched).
    const std::vector<RuleViolations>& rules() const { return rules_; }
    uint64_t errors() const;    // violating keys under error-severity rules
    uint64_t warnings() const;  // under warn-severity rules

  private:
    const PolicyRule& rule_at(size_t i) const;
    std::shared_ptr<const Policy> policy_;
    std::vector<RuleViolations> rules_;
};

}  // namespace redisops
