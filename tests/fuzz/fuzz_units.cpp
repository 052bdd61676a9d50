// libFuzzer: durations, sizes and counts parse or throw UsageError; nothing else.
#include <cstdint>
#include <string>

#include "util/errors.hpp"
#include "util/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        auto d = redisops::parse_duration(text, "--ttl");
        if (d.count() < 0) __builtin_trap();
        (void)redisops::format_duration(d);
    } catch (const redisops::UsageError&) {
    }
    try {
        (void)redisops::format_size(redisops::parse_size(text, "--big-bytes"));
    } catch (const redisops::UsageError&) {
    }
    try {
        (void)redisops::parse_count(text, "--count", 1, 1000000);
    } catch (const redisops::UsageError&) {
    }
    try {
        double p = redisops::parse_percent(text, "--jitter", 90);
        if (!(p >= 0 && p <= 90)) __builtin_trap();
    } catch (const redisops::UsageError&) {
    }
    return 0;
}
