// libFuzzer: `--field K=V` and identifier checks. Accepted fields split at the first '=' and
// round-trip; anything else is a UsageError.
#include <cstdint>
#include <string>

#include "redis/errors.hpp"
#include "session/session_field.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        auto f = redisops::parse_field(text);
        if (f.name.empty() || f.name + "=" + f.value != text) __builtin_trap();
    } catch (const redisops::UsageError&) {
    }
    try {
        redisops::check_identifier(text, "--user-id");
    } catch (const redisops::UsageError&) {
    }
    return 0;
}
