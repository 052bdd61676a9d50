#include "util/text.hpp"

#include <fmt/format.h>

namespace redisops {
namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t utf8_len(std::string_view s, size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    unsigned min;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    unsigned cp = c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
        auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

}  // namespace

std::string quote_repr(std::string_view bytes) {
    std::string out = "\"";
    for (char ch : bytes) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\a':
                out += "\\a";
                break;
            case '\b':
                out += "\\b";
                break;
            default:
                if (c >= 0x20 && c < 0x7F) {
                    out += ch;
                } else {
                    out += fmt::format("\\x{:02x}", c);
                }
        }
    }
    out += '"';
    return out;
}

std::string quote_if_needed(std::string_view bytes) {
    if (bytes.empty()) return "\"\"";
    for (size_t i = 0; i < bytes.size();) {
        auto c = static_cast<unsigned char>(bytes[i]);
        if (c <= 0x20 || c == 0x7F || c == '"' || c == '\\' || c == '\'') return quote_repr(bytes);
        size_t n = utf8_len(bytes, i);
        if (n == 0) return quote_repr(bytes);
        i += n;
    }
    return std::string(bytes);
}

std::string clip_for_message(std::string_view value, size_t max) {
    if (value.size() <= max) return quote_if_needed(value);
    return quote_if_needed(value.substr(0, max)) + "…";
}

bool is_valid_utf8(std::string_view bytes) {
    for (size_t i = 0; i < bytes.size();) {
        size_t n = utf8_len(bytes, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string to_json_text(std::string_view bytes) {
    if (is_valid_utf8(bytes)) return std::string(bytes);
    std::string out;
    out.reserve(bytes.size() + 8);
    for (size_t i = 0; i < bytes.size();) {
        size_t n = utf8_len(bytes, i);
        if (n) {
            out.append(bytes.substr(i, n));
            i += n;
        } else {
            auto c = static_cast<unsigned char>(bytes[i++]);
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

}  // namespace redisops
