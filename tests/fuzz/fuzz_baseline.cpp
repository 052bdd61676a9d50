// libFuzzer: a --baseline file parses or throws UsageError ("not a redis-ops scan-audit JSON
// report"), never another exception.
#include <cstdint>
#include <string>

#include "audit/baseline.hpp"
#include "util/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        redisops::Baseline b = redisops::parse_baseline(text, "fuzz.json");
        if (b.file != "fuzz.json") __builtin_trap();
    } catch (const redisops::UsageError&) {
    }
    return 0;
}
