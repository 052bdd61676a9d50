#include <fmt/format.h>
#include <openssl/evp.h>

#include "audit/report_html.hpp"
#include "util/output.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops::html {

std::string escape(std::string_view text) { return xml_escape(text); }  // the same five entities

namespace {

bool printable_utf8(std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7F) return false;
    }
    // U+2028/U+2029 are invisible line breaks: show them escaped too.
    return is_valid_utf8(s) && s.find("\xe2\x80\xa8") == std::string_view::npos &&
           s.find("\xe2\x80\xa9") == std::string_view::npos;
}

/// Cuts valid UTF-8 to at most `max` bytes without splitting a character.
std::string_view cut_utf8(std::string_view s, size_t max) {
    if (s.size() <= max) return s;
    size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end);
}

}  // namespace

std::string key_text(std::string_view bytes, size_t max) {
    std::string shown = printable_utf8(bytes) ? std::string(bytes) : quote_repr(bytes);
    if (shown.size() <= max) return escape(shown);
    return escape(cut_utf8(shown, max)) + "…";
}

std::string count(uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string count(uint64_t n, std::string_view noun) {
    return count(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

std::string size(uint64_t bytes) { return escape(format_size(bytes)); }

bool bytes_known(const AuditReport& r) { return r.bytes_unavailable.empty(); }

std::string size(const AuditReport& r, uint64_t bytes) {
    return bytes_known(r) ? size(bytes) : "<span class=\"na\">unavailable</span>";
}

std::string bytes_unavailable_note(const AuditReport& r) {
    return "<p class=\"note\" data-role=\"bytes-unavailable\">Key sizes are unavailable: MEMORY "
           "USAGE was refused (" +
           key_text(r.bytes_unavailable, 500) + ").</p>";
}

std::string percent(uint64_t part, uint64_t whole) {
    if (whole == 0) return "0%";
    double p = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
    if (p > 0 && p < 0.1) return "&lt;0.1%";
    return fmt::format("{:.1f}%", p);
}

std::string bar(uint64_t part, uint64_t whole, bool warn) {
    double share = whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
    return fmt::format(
        "<svg class=\"bar\" viewBox=\"0 0 100 12\" preserveAspectRatio=\"none\" role=\"img\" "
        "aria-label=\"{:.1f}%\"><rect class=\"track\" x=\"0\" y=\"0\" width=\"100\" "
        "height=\"12\" rx=\"2\"/><rect class=\"fill{}\" x=\"0\" y=\"0\" width=\"{:.2f}\" "
        "height=\"12\" rx=\"2\"/></svg>",
        100 * share, warn ? " warn" : "", 100 * share);
}

std::string json_island(const nlohmann::json& doc) {
    std::string text = dump_json(doc);
    std::string out;
    out.reserve(text.size() + 64);
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '<')
            out += "\\u003c";
        else if (c == '>')
            out += "\\u003e";
        else if (c == '&')
            out += "\\u0026";
        else if (c == '\xe2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
                 (text[i + 2] == '\xa8' || text[i + 2] == '\xa9')) {
            out += text[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string csp_hash(std::string_view body) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(body.data(), body.size(), digest, &len, EVP_sha256(), nullptr);
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
    return "'sha256-" + std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n)) + "'";
}

}  // namespace redisops::html
