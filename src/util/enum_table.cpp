#include "util/enum_table.hpp"

#include <fmt/format.h>

#include "util/suggest.hpp"
#include "util/text.hpp"

namespace redisops {

std::string list_names(const std::vector<std::string_view>& names) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
        out += names[i];
    }
    return out;
}

std::string unknown_name_message(std::string_view what, std::string_view text,
                                 const std::vector<std::string_view>& names) {
    std::string msg =
        fmt::format("unknown {} {} (use {})", what, clip_for_message(text), list_names(names));
    if (std::string near = closest_name(text, names); !near.empty()) {
        msg += fmt::format("\nDid you mean '{}'?", near);
    }
    return msg;
}

}  // namespace redisops
