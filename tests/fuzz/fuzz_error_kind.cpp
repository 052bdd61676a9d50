// libFuzzer: an error reply's text comes from the server (or a proxy in front of it), so the
// classifier and the redirect parser take any bytes: a kind always, a redirect only for MOVED
// and ASK, and then with a slot in range.
#include <cstdint>
#include <string_view>

#include "redis/error_kind.hpp"
#include "redis/slot.hpp"
#include "redis/slot_map.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    redisops::ErrorKind kind = redisops::classify_error(text);
    if (redisops::error_kind_name(kind).empty()) __builtin_trap();
    if (auto rd = redisops::parse_redirect(text)) {
        if (!redisops::is_redirect(kind)) __builtin_trap();
        if (rd->ask != (kind == redisops::ErrorKind::Ask)) __builtin_trap();
        if (rd->slot < 0 || rd->slot >= redisops::kSlotCount) __builtin_trap();
    }
    return 0;
}
