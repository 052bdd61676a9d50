#include "session/session_field.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/errors.hpp"
#include "util/text.hpp"

namespace redisops {
namespace {

bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c < 0x20 || c == 0x7F;
    });
}

}  // namespace

bool is_reserved_field(std::string_view name) {
    return name == "user_id" || name == "created_at" || name == "max_age_ms";
}

SessionField parse_field(std::string_view text) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos) {
        throw UsageError(
            fmt::format("--field: expected NAME=VALUE, got {}", quote_if_needed(text)));
    }
    std::string_view name = text.substr(0, eq);
    if (name.empty()) {
        throw UsageError(fmt::format("--field: empty field name in {}", quote_if_needed(text)));
    }
    if (has_control(name)) {
        throw UsageError(
            fmt::format("--field: field name {} holds control characters", quote_if_needed(name)));
    }
    if (is_reserved_field(name)) {
        throw UsageError(fmt::format(
            "--field: {} is written by redis-ops itself (use --user-id and --ttl)", name));
    }
    return {std::string(name), std::string(text.substr(eq + 1))};
}

void check_identifier(std::string_view text, std::string_view what) {
    if (text.empty()) throw UsageError(fmt::format("{}: must not be empty", what));
    if (has_control(text)) {
        throw UsageError(
            fmt::format("{}: {} holds control characters", what, quote_if_needed(text)));
    }
}

}  // namespace redisops
