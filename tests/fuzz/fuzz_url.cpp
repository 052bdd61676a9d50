// libFuzzer: the URL parser either parses or throws UsageError, and never leaks the password
// into its messages or its redacted form.
#include <cstdint>
#include <string>

#include "redis/errors.hpp"
#include "redis/options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string url(reinterpret_cast<const char*>(data), size);
    try {
        auto o = redisops::parse_url(url);
        std::string shown = o.redacted();
        if (o.password && o.password->size() >= 4 && shown.find(*o.password) != std::string::npos &&
            shown.find(":***@") == std::string::npos) {
            __builtin_trap();
        }
    } catch (const redisops::UsageError&) {
    }
    return 0;
}
