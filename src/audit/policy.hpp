// --policy FILE: TTL and size rules as code (YAML, or JSON, which YAML reads too). `defaults:`
// fills the fields a rule leaves out; `rules:` is ordered and the first rule whose match (and
// type) fits a key decides for it. Errors name file:line:column and the field.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/enum_table.hpp"

namespace redisops {

enum class TtlRule { Unset, Required, Optional, Forbidden };
enum class Severity { Error, Warn };

inline constexpr EnumTable kTtlRules{
    "ttl rule", std::array{
                    EnumName<TtlRule>{"required", TtlRule::Required, "every key needs a TTL"},
                    EnumName<TtlRule>{"optional", TtlRule::Optional, "a key may lack a TTL"},
                    EnumName<TtlRule>{"forbidden", TtlRule::Forbidden, "no key may carry a TTL"},
                }};

inline constexpr EnumTable kSeverities{
    "severity", std::array{
                    EnumName<Severity>{"error", Severity::Error, "fails --fail-on policy"},
                    EnumName<Severity>{"warn", Severity::Warn, "reported, never fails"},
                }};

/// The fields a rule can break, in report order; also the `fields` keys in JSON.
enum class PolicyField { Ttl, MinTtl, MaxTtl, MaxBytes, MaxElements, MaxIdle, kCount };
std::string_view policy_field_name(PolicyField f);

struct PolicyRule {
    std::string match = "*";  // glob, Redis dialect
    std::string type;         // empty: any type
    TtlRule ttl = TtlRule::Unset;
    std::optional<long long> min_ttl_ms, max_ttl_ms, max_idle_ms;
    std::optional<uint64_t> max_bytes, max_elements;
    Severity severity = Severity::Error;
    int line = 0;  // 1-based, in the policy file; 0 for the defaults alone

    /// A no-TTL key under this rule is exempt from the built-in no-ttl check.
    bool ttl_exempt() const { return ttl == TtlRule::Optional || ttl == TtlRule::Forbidden; }
};

/// What one key looks like to a rule; `elements`/`idle_s` only when they were read.
struct PolicyKey {
    std::string_view key;
    std::string_view type;
    long long pttl_ms = -1;
    uint64_t bytes = 0;
    std::optional<uint64_t> elements;
    std::optional<uint64_t> idle_s;
};

struct Policy {
    std::string file;
    std::vector<PolicyRule> rules;  // defaults already applied
    PolicyRule fallback;            // the defaults, for keys no rule matches

    /// The first rule whose match and type fit; the fallback when none does.
    const PolicyRule& rule_for(std::string_view key, std::string_view type) const;
    /// Index of a rule in `rules`; rules.size() for the fallback.
    size_t index_of(const PolicyRule& r) const;
    bool needs_idle() const;
    /// Whether any rule (or the defaults) has a max_elements.
    bool uses_elements() const;
    /// Whether the rule for this key reads element counts (max_elements).
    bool needs_elements(std::string_view key, std::string_view type) const;
};

/// The fields the key breaks under `rule` (bit i = PolicyField i).
unsigned policy_violations(const PolicyRule& rule, const PolicyKey& k);

/// Parses YAML (or JSON); throws UsageError "FILE:LINE:COLUMN: FIELD: why" (exit 2).
Policy parse_policy(std::string_view text, const std::string& file);

}  // namespace redisops
