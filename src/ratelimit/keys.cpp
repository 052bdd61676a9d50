#include "ratelimit/keys.hpp"

#include <fmt/format.h>

#include "redis/errors.hpp"
#include "redis/slot.hpp"

namespace redisops {

std::string limit_base(std::string_view prefix, std::string_view key) {
    if (key.empty()) throw UsageError("KEY: must not be empty");
    // A hashtag counts only when the first '{' is closed by a later '}' with something between;
    // otherwise Redis hashes the whole name, and the suffixes would scatter the keys of one
    // limit over several slots.
    auto tagged = [](const std::string& base) { return hash_tag(base) != base; };
    std::string base = fmt::format("{}{{{}}}", prefix, key);
    if (tagged(base)) return base;
    base = fmt::format("{{{}{}}}", prefix, key);
    if (tagged(base)) return base;
    throw UsageError(
        fmt::format("KEY: '{}' with prefix '{}' cannot get a hashtag; the key must "
                    "not start with '}}'",
                    key, prefix));
}

std::string state_key(std::string_view base, Algorithm a) {
    return fmt::format("{}:{}", base, algorithm_name(a));
}

std::string fixed_window_key(std::string_view base, long long window_index) {
    return fmt::format("{}:fixed:{}", base, window_index);
}

std::string fixed_window_pattern(std::string_view base) {
    std::string out;
    for (char c : base) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
        out += c;
    }
    return out + ":fixed:*";
}

}  // namespace redisops
