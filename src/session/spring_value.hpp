// The bytes Spring Session's serializers write into Redis, recognised but never deserialized.
// RedisIndexedSessionRepository's default RedisTemplate writes hash values and set members with
// JdkSerializationRedisSerializer (`\xac\xed\x00\x05…`); apps often configure Jackson
// (GenericJackson2JsonRedisSerializer: JSON) or StringRedisSerializer (plain text). Three JDK
// shapes are read by exact byte layout, never by running a deserializer: java.lang.Long
// (creationTime, lastAccessedTime), java.lang.Integer (maxInactiveInterval) and a short
// java.lang.String (TC_STRING: the principal name, session ids in index sets). Anything else
// that starts with the JDK magic is shown as "java-serialized, N bytes" with a quoted preview.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redisops {

/// True for bytes that start with the JDK serialization stream header (0xACED 0x0005).
bool is_java_serialized(std::string_view bytes);

/// A number written as a JDK Long/Integer, a JSON number or decimal text; `codec` gets
/// "jdk", "json" or "text".
std::optional<long long> spring_number(std::string_view bytes, std::string* codec = nullptr);

/// `value` as the serializer named by `codec` writes a java.lang.Long.
std::string encode_spring_long(long long value, std::string_view codec);

/// A string written as a JDK TC_STRING, a JSON string or plain text.
std::optional<std::string> spring_string(std::string_view bytes);

/// The three serializers' forms of `text` (text, JSON, JDK), for SREM of set members.
std::vector<std::string> spring_string_encodings(std::string_view text);

/// `text` in one serializer's form ("jdk", "json", "text").
std::string encode_spring_string(std::string_view text, std::string_view codec);

/// An attribute value for display: JSON decoded; JDK-serialized as
/// "java-serialized, N bytes: \"<preview>\""; other bytes as nullopt (shown as text).
std::optional<nlohmann::ordered_json> spring_attribute_json(std::string_view bytes);

/// The display text of a JDK-serialized value.
std::string java_serialized_text(std::string_view bytes);

}  // namespace redisops
