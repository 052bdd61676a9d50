#include "audit/policy.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <array>

#include "audit/idle.hpp"
#include "util/errors.hpp"
#include "util/pattern.hpp"
#include "util/units.hpp"

namespace redisops {

namespace {

constexpr std::array kFieldNames{"ttl",       "min_ttl",      "max_ttl",
                                 "max_bytes", "max_elements", "max_idle"};

[[noreturn]] void fail_at(const std::string& file, const YAML::Mark& m, std::string_view field,
                          std::string_view why) {
    // yaml-cpp counts lines and columns from 0; editors count from 1.
    throw UsageError(
        fmt::format("--policy {}:{}:{}: {}: {}", file, m.line + 1, m.column + 1, field, why));
}

std::string scalar(const std::string& file, const YAML::Node& n, std::string_view field) {
    if (!n.IsScalar()) fail_at(file, n.Mark(), field, "expected a single value");
    return n.Scalar();
}

/// A field of a rule (or of the defaults), parsed into `r`. Values reuse the flags' parsers,
/// whose UsageError is re-thrown with the position.
void parse_field(const std::string& file, const std::string& name, const YAML::Mark& at,
                 const YAML::Node& v, PolicyRule& r, bool in_defaults) {
    std::string text = scalar(file, v, name);
    try {
        if (name == "match") {
            if (in_defaults) fail_at(file, v.Mark(), name, "belongs to a rule, not to defaults");
            if (text.empty()) fail_at(file, v.Mark(), name, "empty match");
            r.match = text;
        } else if (name == "type") {
            r.type = text;
        } else if (name == "ttl") {
            r.ttl = kTtlRules.parse(text, "ttl");
        } else if (name == "severity") {
            r.severity = kSeverities.parse(text, "severity");
        } else if (name == "min_ttl") {
            r.min_ttl_ms = parse_duration(text, name).count();
        } else if (name == "max_ttl") {
            r.max_ttl_ms = parse_duration(text, name).count();
        } else if (name == "max_idle") {
            r.max_idle_ms = parse_duration(text, name).count();
        } else if (name == "max_bytes") {
            r.max_bytes = parse_size(text, name);
        } else if (name == "max_elements") {
            r.max_elements = static_cast<uint64_t>(parse_count(text, name, 0, INT64_MAX));
        } else {
            fail_at(file, at, name,
                    "unknown field (known: match, type, ttl, min_ttl, max_ttl, max_bytes, "
                    "max_elements, max_idle, severity)");
        }
    } catch (const UsageError& e) {
        std::string_view what = e.what();
        if (what.starts_with("--policy ")) throw;
        fail_at(file, v.Mark(), name, what);
    }
}

PolicyRule parse_rule(const std::string& file, const YAML::Node& node, const PolicyRule& base,
                      bool in_defaults, std::string_view where) {
    if (!node.IsMap()) fail_at(file, node.Mark(), where, "expected a mapping of fields");
    PolicyRule r = base;
    r.line = node.Mark().line + 1;
    bool matched = false;
    for (const auto& kv : node) {
        std::string name = scalar(file, kv.first, where);
        parse_field(file, name, kv.first.Mark(), kv.second, r, in_defaults);
        matched |= name == "match";
    }
    if (!in_defaults && !matched) fail_at(file, node.Mark(), "match", "every rule needs a match");
    return r;
}

}  // namespace

std::string_view policy_field_name(PolicyField f) { return kFieldNames[static_cast<size_t>(f)]; }

const PolicyRule& Policy::rule_for(std::string_view key, std::string_view type) const {
    for (const auto& r : rules) {
        if ((r.type.empty() || r.type == type) && glob_match(r.match, key)) return r;
    }
    return fallback;
}

size_t Policy::index_of(const PolicyRule& r) const {
    return &r == &fallback ? rules.size() : static_cast<size_t>(&r - rules.data());
}

bool Policy::needs_idle() const {
    if (fallback.max_idle_ms) return true;
    for (const auto& r : rules) {
        if (r.max_idle_ms) return true;
    }
    return false;
}

bool Policy::uses_elements() const {
    if (fallback.max_elements) return true;
    for (const auto& r : rules) {
        if (r.max_elements) return true;
    }
    return false;
}

bool Policy::needs_elements(std::string_view key, std::string_view type) const {
    return rule_for(key, type).max_elements.has_value();
}

unsigned policy_violations(const PolicyRule& r, const PolicyKey& k) {
    unsigned out = 0;
    auto flag = [&](PolicyField f) { out |= 1u << static_cast<unsigned>(f); };
    bool has_ttl = k.pttl_ms >= 0;
    if ((r.ttl == TtlRule::Required && !has_ttl) || (r.ttl == TtlRule::Forbidden && has_ttl))
        flag(PolicyField::Ttl);
    if (r.min_ttl_ms && has_ttl && k.pttl_ms < *r.min_ttl_ms) flag(PolicyField::MinTtl);
    // No TTL is longer than any max_ttl.
    if (r.max_ttl_ms && (!has_ttl || k.pttl_ms > *r.max_ttl_ms)) flag(PolicyField::MaxTtl);
    if (r.max_bytes && k.bytes > *r.max_bytes) flag(PolicyField::MaxBytes);
    if (r.max_elements && k.elements && *k.elements > *r.max_elements)
        flag(PolicyField::MaxElements);
    if (r.max_idle_ms && k.idle_s &&
        idle_longer_than(static_cast<long long>(*k.idle_s), *r.max_idle_ms))
        flag(PolicyField::MaxIdle);
    return out;
}

Policy parse_policy(std::string_view text, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        fail_at(file, e.mark, "syntax", e.msg);
    }
    if (!root.IsMap()) fail_at(file, root.Mark(), "policy", "expected `defaults:` and `rules:`");
    Policy p;
    p.file = file;
    YAML::Node rules;
    for (const auto& kv : root) {
        std::string name = scalar(file, kv.first, "policy");
        if (name == "defaults") {
            p.fallback = parse_rule(file, kv.second, PolicyRule{}, true, "defaults");
            p.fallback.line = 0;
        } else if (name == "rules") {
            rules = kv.second;
        } else {
            fail_at(file, kv.first.Mark(), name, "unknown field (known: defaults, rules)");
        }
    }
    if (rules) {
        if (!rules.IsSequence()) fail_at(file, rules.Mark(), "rules", "expected a list of rules");
        for (const auto& r : rules)
            p.rules.push_back(parse_rule(file, r, p.fallback, false, "rules"));
    }
    return p;
}

}  // namespace redisops
