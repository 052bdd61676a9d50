#include "util/pattern.hpp"

namespace redisops {

namespace {

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool is_hex_letter(unsigned char c) { return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_hex(unsigned char c) { return is_digit(c) || is_hex_letter(c); }

/// One bracket class `[...]` starting after the `[`; returns whether `c` matched and moves `p`
/// past the closing `]` (or to the end when the class is unterminated, as Redis does).
bool match_class(std::string_view pat, size_t& p, unsigned char c) {
    bool negate = p < pat.size() && pat[p] == '^';
    if (negate) ++p;
    bool hit = false;
    while (p < pat.size() && pat[p] != ']') {
        if (pat[p] == '\\' && p + 1 < pat.size()) {
            ++p;
            if (static_cast<unsigned char>(pat[p]) == c) hit = true;
            ++p;
        } else if (p + 2 < pat.size() && pat[p + 1] == '-' && pat[p + 2] != ']') {
            auto lo = static_cast<unsigned char>(pat[p]);
            auto hi = static_cast<unsigned char>(pat[p + 2]);
            if (lo > hi) std::swap(lo, hi);
            if (c >= lo && c <= hi) hit = true;
            p += 3;
        } else {
            if (static_cast<unsigned char>(pat[p]) == c) hit = true;
            ++p;
        }
    }
    if (p < pat.size()) ++p;  // the ']'
    return negate ? !hit : hit;
}

enum class Segment { Word, Id, Ambiguous };

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

/// Random tokens (session ids, base64/base64url) look like noise: several character classes
/// that change often. CamelCase words change class often too, but rarely hold two capitals in
/// a row, so a token without digits must show that.
bool is_random_token(std::string_view s) {
    if (s.size() < 16) return false;
    size_t digits = 0, lower = 0, upper = 0, transitions = 0, upper_pairs = 0;
    int prev = -1;
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        int cls;
        if (is_digit(c))
            cls = 0, ++digits;
        else if (is_lower(c))
            cls = 1, ++lower;
        else if (is_upper(c))
            cls = 2, ++upper;
        else if (c == '-' || c == '_' || c == '+' || c == '=')
            continue;
        else
            return false;
        if (prev >= 0 && cls != prev) ++transitions;
        if (prev == 2 && cls == 2) ++upper_pairs;
        prev = cls;
    }
    if (transitions * 3 < s.size()) return false;
    if (digits > 0) return lower + upper > 0;
    return upper * 4 >= s.size() && lower * 4 >= s.size() && upper_pairs >= 2;
}

Segment classify(std::string_view s) {
    if (s.empty()) return Segment::Word;
    bool all_digits = true, all_hex = true, any_digit = false;
    for (unsigned char c : s) {
        if (!is_digit(c))
            all_digits = false;
        else
            any_digit = true;
        if (!is_hex(c)) all_hex = false;
    }
    if (all_digits || is_uuid(s)) return Segment::Id;
    if (all_hex) return (any_digit || s.size() >= 8) ? Segment::Id : Segment::Ambiguous;
    if (is_random_token(s)) return Segment::Id;
    return Segment::Word;
}

/// Separators between key segments; `-` and `_` separate words inside a segment.
bool is_separator(unsigned char c) {
    switch (c) {
        case ':':
        case '/':
        case '.':
        case '|':
        case '#':
        case ',':
        case '=':
        case '@':
        case ' ':
        case ';':
        case '{':
        case '}':
        case '[':
        case ']':
        case '(':
        case ')':
            return true;
        default:
            return false;
    }
}

struct ShapeWriter {
    KeyShape shape;
    void literal(std::string_view s) {
        shape.pattern.append(s);
        shape.loose.append(s);
    }
    void star() { literal("*"); }
    void ambiguous(std::string_view s) {
        shape.pattern.append(s);
        shape.loose.push_back('*');
    }
    void piece(std::string_view s, Segment kind, bool first) {
        if (kind == Segment::Id)
            star();
        else if (kind == Segment::Ambiguous && !first)
            ambiguous(s);
        else
            literal(s);
    }
};

void cap(std::string& s) {
    if (s.size() > kMaxPatternBytes) {
        s.resize(kMaxPatternBytes - 1);
        s.push_back('*');
    }
}

}  // namespace

bool glob_match(std::string_view pat, std::string_view text) {
    size_t p = 0, t = 0;
    size_t star_p = std::string_view::npos, star_t = 0;
    while (t < text.size()) {
        auto c = static_cast<unsigned char>(text[t]);
        if (p < pat.size()) {
            char pc = pat[p];
            if (pc == '*') {
                while (p < pat.size() && pat[p] == '*') ++p;
                if (p == pat.size()) return true;
                star_p = p;
                star_t = t;
                continue;
            }
            if (pc == '?') {
                ++p, ++t;
                continue;
            }
            if (pc == '[') {
                size_t q = p + 1;
                if (match_class(pat, q, c)) {
                    p = q, ++t;
                    continue;
                }
            } else {
                size_t q = p;
                if (pc == '\\' && q + 1 < pat.size()) ++q;
                if (static_cast<unsigned char>(pat[q]) == c) {
                    p = q + 1, ++t;
                    continue;
                }
            }
        }
        // Mismatch: let the last `*` swallow one more byte, or fail.
        if (star_p == std::string_view::npos) return false;
        p = star_p;
        t = ++star_t;
    }
    while (p < pat.size() && pat[p] == '*') ++p;
    return p == pat.size();
}

KeyShape shape_of(std::string_view key) {
    ShapeWriter w;
    w.shape.pattern.reserve(std::min(key.size(), kMaxPatternBytes) + 1);
    w.shape.loose.reserve(std::min(key.size(), kMaxPatternBytes) + 1);
    bool first = true;
    size_t i = 0;
    while (i < key.size()) {
        if (w.shape.pattern.size() > kMaxPatternBytes) break;  // the rest would be cut anyway
        if (is_separator(static_cast<unsigned char>(key[i]))) {
            w.literal(key.substr(i, 1));
            ++i;
            continue;
        }
        size_t end = i;
        while (end < key.size() && !is_separator(static_cast<unsigned char>(key[end]))) ++end;
        std::string_view seg = key.substr(i, end - i);
        Segment kind = classify(seg);
        if (kind != Segment::Word || seg.find_first_of("-_") == std::string_view::npos) {
            w.piece(seg, kind, first);
        } else {
            // `order-12345`, `2024_06_01`: words and ids joined by - or _.
            size_t j = 0;
            while (j < seg.size()) {
                if (seg[j] == '-' || seg[j] == '_') {
                    w.literal(seg.substr(j, 1));
                    ++j;
                    continue;
                }
                size_t k = seg.find_first_of("-_", j);
                if (k == std::string_view::npos) k = seg.size();
                std::string_view word = seg.substr(j, k - j);
                w.piece(word, classify(word), first && j == 0);
                j = k;
            }
        }
        first = false;
        i = end;
    }
    if (i < key.size()) {
        w.shape.pattern.push_back('*');
        w.shape.loose.push_back('*');
    }
    cap(w.shape.pattern);
    cap(w.shape.loose);
    return std::move(w.shape);
}

std::string group_key(std::string_view key) { return shape_of(key).pattern; }

std::string glob_literal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

}  // namespace redisops
