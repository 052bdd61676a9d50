// libFuzzer: the stream output template parser and renderer. Parse or throw UsageError.
#include <cstdint>
#include <string>

#include "redis/errors.hpp"
#include "stream/template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        auto t = redisops::OutputTemplate::parse(text,
                                                 {{"id"}, {"stream"}, {"fields"}, {"field", true}});
        std::string out;
        t.render(out, [](std::string& o, const redisops::TemplatePart& p) {
            o += "<" + std::to_string(p.placeholder) + ":" + p.text + ">";
        });
    } catch (const redisops::UsageError&) {
    }
    return 0;
}
