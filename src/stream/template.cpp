#include "stream/template.hpp"

#include <fmt/format.h>

#include "util/errors.hpp"
#include "util/text.hpp"

namespace redisops {
namespace {

[[noreturn]] void bad(std::string_view text, size_t pos, std::string_view why) {
    throw UsageError(
        fmt::format("--format: {} at position {} of template {}", why, pos + 1, quote_repr(text)));
}

}  // namespace

OutputTemplate OutputTemplate::parse(std::string_view text,
                                     std::initializer_list<PlaceholderSpec> specs) {
    OutputTemplate t;
    std::string literal;
    auto push_literal = [&] {
        if (literal.empty()) return;
        t.parts_.push_back({true, -1, std::move(literal)});
        literal.clear();
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\') {
            if (i + 1 >= text.size()) bad(text, i, "a trailing backslash");
            switch (text[++i]) {
                case 'n':
                    literal += '\n';
                    break;
                case 't':
                    literal += '\t';
                    break;
                case 'r':
                    literal += '\r';
                    break;
                case '\\':
                    literal += '\\';
                    break;
                default:
                    bad(text, i - 1, "an unknown escape (use \\n, \\t, \\r or \\\\)");
            }
        } else if (c == '}') {
            if (i + 1 < text.size() && text[i + 1] == '}') {
                literal += '}';
                ++i;
            } else {
                bad(text, i, "a '}' without '{' (write }} for a literal brace)");
            }
        } else if (c == '{') {
            if (i + 1 < text.size() && text[i + 1] == '{') {
                literal += '{';
                ++i;
                continue;
            }
            size_t close = text.find('}', i + 1);
            if (close == std::string_view::npos) bad(text, i, "an unclosed '{'");
            std::string_view inner = text.substr(i + 1, close - i - 1);
            size_t colon = inner.find(':');
            std::string_view name = inner.substr(0, colon);
            int index = -1;
            for (size_t k = 0; k < specs.size(); ++k) {
                if (specs.begin()[k].name == name) index = static_cast<int>(k);
            }
            if (index < 0) {
                std::string known;
                for (const auto& s : specs) {
                    known += fmt::format("{}{{{}{}}}", known.empty() ? "" : ", ", s.name,
                                         s.takes_arg ? ":NAME" : "");
                }
                bad(text, i, fmt::format("unknown placeholder {{{}}} (known: {})", inner, known));
            }
            const PlaceholderSpec& spec = specs.begin()[index];
            std::string arg;
            if (spec.takes_arg) {
                if (colon == std::string_view::npos || colon + 1 == inner.size()) {
                    bad(text, i,
                        fmt::format("{{{}}} needs a name, e.g. {{{}:payload}}", name, name));
                }
                arg = std::string(inner.substr(colon + 1));
            } else if (colon != std::string_view::npos) {
                bad(text, i, fmt::format("{{{}}} takes no argument", name));
            }
            push_literal();
            t.parts_.push_back({false, index, std::move(arg)});
            i = close;
        } else {
            literal += c;
        }
    }
    push_literal();
    bool any = false;
    for (const auto& p : t.parts_) any = any || !p.literal;
    if (!any) {
        throw UsageError(
            fmt::format("--format: expected text, json or a template with "
                        "{{placeholders}}, got {}",
                        quote_repr(text)));
    }
    return t;
}

}  // namespace redisops
