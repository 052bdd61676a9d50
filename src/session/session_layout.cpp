#include "session/session_layout.hpp"

#include <fmt/format.h>

#include "util/errors.hpp"
#include "util/text.hpp"

namespace redisops {

std::string_view layout_name(LayoutKind kind) {
    for (const auto& n : kLayoutNames) {
        if (n.kind == kind) return n.name;
    }
    return "?";
}

LayoutKind parse_layout(std::string_view text) {
    std::string names;
    for (const auto& n : kLayoutNames) {
        if (n.name == text) return n.kind;
        names += names.empty() ? "" : ", ";
        names += n.name;
    }
    throw UsageError(
        fmt::format("--layout: {} is not a layout (one of {})", quote_if_needed(text), names));
}

std::string SessionLayout::prefix_for(LayoutKind k) const {
    if (prefix) return *prefix;
    return k == LayoutKind::ConnectRedis ? "sess:" : "session:";
}

}  // namespace redisops
