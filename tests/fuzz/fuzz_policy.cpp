// libFuzzer: a policy file parses or throws UsageError (never another exception, never a crash);
// what parses has a non-empty match in every rule.
#include <cstdint>
#include <string>

#include "audit/policy.hpp"
#include "util/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        redisops::Policy p = redisops::parse_policy(text, "fuzz.yaml");
        for (const auto& r : p.rules) {
            if (r.match.empty()) __builtin_trap();
            (void)p.rule_for("user:1", "string");
        }
    } catch (const redisops::UsageError&) {
    }
    return 0;
}
