// libFuzzer: the key-pattern grouper and glob matcher. Any bytes give a bounded pattern; a key
// always matches its own pattern when the key holds no glob characters itself.
#include <cstdint>
#include <string>

#include "util/pattern.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view key(reinterpret_cast<const char*>(data), size);
    auto shape = redisops::shape_of(key);
    if (shape.pattern.size() > redisops::kMaxPatternBytes + 4) __builtin_trap();
    if (shape.loose.size() > redisops::kMaxPatternBytes + 4) __builtin_trap();
    bool plain = key.find_first_of("*?[]\\") == std::string_view::npos;
    if (plain && key.size() < redisops::kMaxPatternBytes &&
        !redisops::glob_match(shape.pattern, key)) {
        __builtin_trap();
    }
    // The first half as a glob against the second half: must terminate, whatever it is.
    (void)redisops::glob_match(key.substr(0, size / 2), key.substr(size / 2));
    return 0;
}
