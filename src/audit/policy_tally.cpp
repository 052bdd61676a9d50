#include "audit/policy_tally.hpp"

namespace redisops {

PolicyTally::PolicyTally(std::shared_ptr<const Policy> policy, size_t max_patterns)
    : policy_(std::move(policy)) {
    rules_.assign(policy_->rules.size() + 1, RuleViolations(max_patterns));
}

const PolicyRule& PolicyTally::rule_at(size_t i) const {
    return i < policy_->rules.size() ? policy_->rules[i] : policy_->fallback;
}

const PolicyRule& PolicyTally::add(const PolicyKey& k) {
    const PolicyRule& rule = policy_->rule_for(k.key, k.type);
    unsigned broken = policy_violations(rule, k);
    if (broken == 0) return rule;
    RuleViolations& v = rules_[policy_->index_of(rule)];
    ++v.keys;
    v.bytes += k.bytes;
    for (size_t f = 0; f < v.fields.size(); ++f) {
        if (broken & (1u << f)) ++v.fields[f];
    }
    v.patterns.add(k.key, k.bytes);
    return rule;
}

void PolicyTally::merge(const PolicyTally& o) {
    for (size_t i = 0; i < rules_.size() && i < o.rules_.size(); ++i) {
        RuleViolations& into = rules_[i];
        const RuleViolations& from = o.rules_[i];
        into.keys += from.keys;
        into.bytes += from.bytes;
        for (size_t f = 0; f < into.fields.size(); ++f) into.fields[f] += from.fields[f];
        into.patterns.merge(from.patterns);
    }
}

uint64_t PolicyTally::errors() const {
    uint64_t n = 0;
    for (size_t i = 0; i < rules_.size(); ++i)
        n += rule_at(i).severity == Severity::Error ? rules_[i].keys : 0;
    return n;
}

uint64_t PolicyTally::warnings() const {
    uint64_t n = 0;
    for (size_t i = 0; i < rules_.size(); ++i)
        n += rule_at(i).severity == Severity::Warn ? rules_[i].keys : 0;
    return n;
}

}  // namespace redisops
