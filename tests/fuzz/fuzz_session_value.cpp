// libFuzzer: what other programs left in Redis for `session` to read: a JSON session string
// (redis-ops, connect-redis with a --user-field path) and Spring Session's serialized values.
// Nothing may crash or throw; values recognised as numbers or strings must round-trip.
#include <cstdint>
#include <string>

#include "session/session_record.hpp"
#include "session/spring_value.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace redisops;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    for (LayoutKind kind : {LayoutKind::Auto, LayoutKind::RedisOps, LayoutKind::ConnectRedis}) {
        Session s;
        decode_json_session(text, s, kind, "passport.user");
    }
    // The first line as a dot path, the rest as the document.
    size_t nl = text.find('\n');
    if (nl != std::string_view::npos) {
        Session s;
        decode_json_session(text.substr(nl + 1), s, LayoutKind::ConnectRedis, text.substr(0, nl));
    }
    std::string codec;
    if (auto n = spring_number(text, &codec)) {
        if (spring_number(encode_spring_long(*n, codec)) != n) __builtin_trap();
    }
    spring_string(text);
    spring_attribute_json(text);
    if (size <= 0xFFFF && spring_string(encode_spring_string(text, "jdk")) != std::string(text)) {
        __builtin_trap();
    }
    return 0;
}
