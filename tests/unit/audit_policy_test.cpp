#include <doctest/doctest.h>

#include <string>

#include "audit/baseline.hpp"
#include "audit/policy.hpp"
#include "util/errors.hpp"

using namespace redisops;

namespace {

unsigned bit(PolicyField f) { return 1u << static_cast<unsigned>(f); }

}  // namespace

TEST_CASE("policy rules: defaults fill the gaps, the first match decides, each field breaks") {
    Policy p = parse_policy(
        "defaults:\n  severity: warn\n  max_bytes: 1kb\nrules:\n"
        "  - match: 'a:special'\n    ttl: optional\n"
        "  - match: 'a:*'\n    ttl: required\n    max_ttl: 1m\n    severity: error\n"
        "  - match: 'q:*'\n    type: list\n    max_elements: 3\n    min_ttl: 10s\n",
        "p.yaml");
    REQUIRE(p.rules.size() == 3);
    CHECK(p.rules[0].severity == Severity::Warn);
    CHECK(p.rules[0].max_bytes == 1024);
    CHECK(&p.rule_for("a:special", "string") == &p.rules[0]);
    CHECK(&p.rule_for("a:1", "string") == &p.rules[1]);
    CHECK(&p.rule_for("q:1", "hash") == &p.fallback);  // type does not fit
    CHECK(p.needs_elements("q:1", "list"));
    CHECK_FALSE(p.needs_elements("a:1", "string"));

    const PolicyRule& a = p.rules[1];
    CHECK(policy_violations(a, {"a:1", "string", -1, 10, {}, {}}) ==
          (bit(PolicyField::Ttl) | bit(PolicyField::MaxTtl)));
    CHECK(policy_violations(a, {"a:1", "string", 30'000, 10, {}, {}}) == 0);
    CHECK(policy_violations(a, {"a:1", "string", 30'000, 4096, {}, {}}) ==
          bit(PolicyField::MaxBytes));
    const PolicyRule& q = p.rules[2];
    CHECK(policy_violations(q, {"q:1", "list", 5000, 10, 4, {}}) ==
          (bit(PolicyField::MaxElements) | bit(PolicyField::MinTtl)));
    CHECK(policy_violations(q, {"q:1", "list", 50'000, 10, std::nullopt, {}}) == 0);
}

TEST_CASE("a bad policy names file:line:column and the field") {
    CHECK_THROWS_WITH_AS(parse_policy("rules:\n  - match: 'x'\n    colour: red\n", "f.yaml"),
                         doctest::Contains("f.yaml:3:5: colour: unknown field"), UsageError);
    CHECK_THROWS_WITH_AS(parse_policy("defaults:\n  match: 'x'\n", "f.yaml"),
                         doctest::Contains("f.yaml:2:10: match"), UsageError);
    CHECK_THROWS_AS(parse_policy("", "f.yaml"), UsageError);
    CHECK_THROWS_AS(parse_policy("rules: {a: 1}", "f.yaml"), UsageError);
}

TEST_CASE("baseline slack: P% of the old value or N over it") {
    BaselineSlack pct;  // 5%
    CHECK_FALSE(pct.grown(100, 105));
    CHECK(pct.grown(100, 106));
    CHECK_FALSE(pct.grown(100, 90));
    BaselineSlack n = parse_baseline_slack("10");
    CHECK_FALSE(n.grown(100, 110));
    CHECK(n.grown(100, 111));
    CHECK_THROWS_AS(parse_baseline_slack("much"), UsageError);
}
