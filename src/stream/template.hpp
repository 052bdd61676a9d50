// Output templates in the style of kcat -f: literal text with {placeholders}, e.g.
// '{id} {field:type} {field:payload}\n'. Escapes: \n \t \r \\; {{ and }} are literal braces.
// The parser knows nothing of streams: the caller names the placeholders it can fill.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace redisops {

struct TemplatePart {
    bool literal = true;
    int placeholder = -1;  // index into the caller's list of names
    std::string text;      // the literal bytes, or the placeholder's argument ({field:NAME})
};

/// One placeholder the caller supports: `{name}`, or `{name:ARG}` when takes_arg.
struct PlaceholderSpec {
    std::string_view name;
    bool takes_arg = false;
};

class OutputTemplate {
  public:
    /// Throws UsageError ("--format: …", naming the position) for an unknown placeholder,
    /// an unclosed or stray brace, a bad escape or a template with no placeholder at all.
    static OutputTemplate parse(std::string_view text,
                                std::initializer_list<PlaceholderSpec> specs);

    const std::vector<TemplatePart>& parts() const { return parts_; }

    /// Appends the template to `out`; `fill(out, part)` appends each placeholder's value.
    template <class Fill>
    void render(std::string& out, Fill&& fill) const {
        for (const auto& p : parts_) {
            if (p.literal) {
                out += p.text;
            } else {
                fill(out, p);
            }
        }
    }

  private:
    std::vector<TemplatePart> parts_;
};

}  // namespace redisops
