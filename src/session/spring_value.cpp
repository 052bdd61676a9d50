#include "session/spring_value.hpp"

#include <fmt/format.h>

#include <charconv>

#include "util/text.hpp"

namespace redisops {
namespace {

// ObjectOutputStream's bytes for `new Long(v)` and `new Integer(v)`, up to the value itself:
// STREAM_MAGIC, STREAM_VERSION, TC_OBJECT, TC_CLASSDESC "java.lang.Long" with its
// serialVersionUID, one field `J value`, the superclass java.lang.Number, TC_NULL; then the
// value big-endian. Fixed by the Java serialization spec, so an exact match is a safe read.
constexpr std::string_view kJdkLong(
    "\xac\xed\x00\x05sr\x00\x0ejava.lang.Long;\x8b\xe4\x90\xcc\x8f#\xdf\x02\x00\x01J\x00\x05"
    "valuexr\x00\x10java.lang.Number\x86\xac\x95\x1d\x0b\x94\xe0\x8b\x02\x00\x00xp",
    74);
constexpr std::string_view kJdkInteger(
    "\xac\xed\x00\x05sr\x00\x11java.lang.Integer\x12\xe2\xa0\xa4\xf7\x81\x87\x38\x02\x00\x01I"
    "\x00\x05valuexr\x00\x10java.lang.Number\x86\xac\x95\x1d\x0b\x94\xe0\x8b\x02\x00\x00xp",
    77);
constexpr std::string_view kJdkStringHead("\xac\xed\x00\x05t", 5);  // then u16 length, bytes

long long big_endian(std::string_view bytes) {
    unsigned long long v = 0;
    for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
    if (bytes.size() == 4) return static_cast<long long>(static_cast<int32_t>(v));
    return static_cast<long long>(v);
}

std::optional<long long> decimal(std::string_view text) {
    long long v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
    return v;
}

}  // namespace

bool is_java_serialized(std::string_view bytes) { return bytes.starts_with("\xac\xed\x00\x05"); }

std::optional<long long> spring_number(std::string_view bytes, std::string* codec) {
    auto set = [&](const char* c) {
        if (codec) *codec = c;
    };
    if (bytes.size() == kJdkLong.size() + 8 && bytes.starts_with(kJdkLong)) {
        set("jdk");
        return big_endian(bytes.substr(kJdkLong.size()));
    }
    if (bytes.size() == kJdkInteger.size() + 4 && bytes.starts_with(kJdkInteger)) {
        set("jdk");
        return big_endian(bytes.substr(kJdkInteger.size()));
    }
    if (auto v = decimal(bytes)) {
        // Jackson writes a Long as a bare JSON number, which is also decimal text; "json" is
        // the name for both, and both write back identically.
        set("json");
        return v;
    }
    return std::nullopt;
}

std::string encode_spring_long(long long value, std::string_view codec) {
    if (codec != "jdk") return std::to_string(value);
    std::string out(kJdkLong);
    auto u = static_cast<unsigned long long>(value);
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((u >> shift) & 0xFF));
    }
    return out;
}

std::optional<std::string> spring_string(std::string_view bytes) {
    if (bytes.starts_with(kJdkStringHead) && bytes.size() >= 7) {
        size_t n = (static_cast<size_t>(static_cast<unsigned char>(bytes[5])) << 8) |
                   static_cast<unsigned char>(bytes[6]);
        if (bytes.size() != 7 + n) return std::nullopt;
        return std::string(bytes.substr(7));
    }
    if (is_java_serialized(bytes)) return std::nullopt;
    if (bytes.size() >= 2 && bytes.front() == '"') {
        auto doc = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
        if (!doc.is_discarded() && doc.is_string()) return doc.get<std::string>();
    }
    return std::string(bytes);
}

std::string encode_spring_string(std::string_view text, std::string_view codec) {
    if (codec == "jdk") {
        // TC_STRING holds modified UTF-8, equal to UTF-8 for ids and names without NUL or
        // characters beyond the BMP; longer strings would be TC_LONGSTRING, never an id.
        std::string out(kJdkStringHead);
        out.push_back(static_cast<char>((text.size() >> 8) & 0xFF));
        out.push_back(static_cast<char>(text.size() & 0xFF));
        out.append(text);
        return out;
    }
    if (codec == "json") return nlohmann::json(to_json_text(text)).dump();
    return std::string(text);
}

std::vector<std::string> spring_string_encodings(std::string_view text) {
    return {encode_spring_string(text, "text"), encode_spring_string(text, "json"),
            encode_spring_string(text, "jdk")};
}

std::string java_serialized_text(std::string_view bytes) {
    constexpr size_t kPreview = 48;
    std::string preview = quote_if_needed(bytes.substr(0, kPreview));
    if (preview.empty() || preview.front() != '"') preview = "\"" + preview + "\"";
    return fmt::format("java-serialized, {} bytes: {}{}", bytes.size(), preview,
                       bytes.size() > kPreview ? "…" : "");
}

std::optional<nlohmann::ordered_json> spring_attribute_json(std::string_view bytes) {
    if (is_java_serialized(bytes)) return nlohmann::ordered_json(java_serialized_text(bytes));
    auto doc = nlohmann::ordered_json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (doc.is_discarded()) return std::nullopt;
    return doc;
}

}  // namespace redisops
