// One name<->value table per enum that users spell on the command line (--algorithm,
// --fail-on, --format …). Parsing in src/, the CLI11 validators and the shell completions in
// cmd/ all read the same table, so a new value is added in one place.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/errors.hpp"

namespace redisops {

template <class E>
struct EnumName {
    std::string_view name;
    E value;
    std::string_view description;
};

/// "unknown <what> '<text>' (use a, b or c)", with "\nDid you mean 'b'?" when a name is
/// close to the text.
std::string unknown_name_message(std::string_view what, std::string_view text,
                                 const std::vector<std::string_view>& names);
/// "a, b or c".
std::string list_names(const std::vector<std::string_view>& names);

template <class E, size_t N>
class EnumTable {
  public:
    /// `what` names one value in messages: "algorithm", "check", "format".
    constexpr EnumTable(std::string_view what, std::array<EnumName<E>, N> entries)
        : what_(what), entries_(entries) {}

    constexpr std::string_view name(E value) const {
        for (const auto& e : entries_) {
            if (e.value == value) return e.name;
        }
        return "?";
    }
    constexpr std::optional<E> find(std::string_view text) const {
        for (const auto& e : entries_) {
            if (e.name == text) return e.value;
        }
        return std::nullopt;
    }
    /// The value named `text`; throws UsageError naming `flag`, the valid names and the
    /// closest one.
    E parse(std::string_view text, std::string_view flag) const {
        if (auto v = find(text)) return *v;
        throw UsageError(std::string(flag) + ": " + unknown_name_message(what_, text, views()));
    }
    /// Empty when `text` is a name; the message of parse() without the flag otherwise (for
    /// CLI11 validators, which prefix the flag themselves).
    std::string check(std::string_view text) const {
        return find(text) ? std::string() : unknown_name_message(what_, text, views());
    }
    /// The names in table order, for validators and completions.
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : entries_) out.emplace_back(e.name);
        return out;
    }
    /// "a, b or c", for help text.
    std::string listing() const { return list_names(views()); }
    constexpr std::string_view what() const { return what_; }
    constexpr const std::array<EnumName<E>, N>& entries() const { return entries_; }

  private:
    std::vector<std::string_view> views() const {
        std::vector<std::string_view> out;
        for (const auto& e : entries_) out.push_back(e.name);
        return out;
    }

    std::string_view what_;
    std::array<EnumName<E>, N> entries_;
};

}  // namespace redisops
