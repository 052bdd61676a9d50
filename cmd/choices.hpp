// CLI11 validators built from the name tables of src/ (util/enum_table.hpp). Help shows the
// names as "{a,b,c}", and cmd/cli_tree.cpp reads them back from there for the completions, so
// the names are written once, in the table.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "util/enum_table.hpp"

namespace redisops {

/// "{a,b,c}": the form cli_tree.cpp parses (and CLI::IsMember uses).
inline std::string braced(const std::vector<std::string>& names) {
    std::string out = "{";
    for (const auto& n : names) out += (out.size() > 1 ? "," : "") + n;
    return out + "}";
}

/// Marks a comma-separated list of names in a validator's description.
inline constexpr std::string_view kListMark = ",...";
/// Marks names that are suggestions only: other values are accepted too.
inline constexpr std::string_view kOpenMark = "|";

/// "a (what a is), b (…) or c (…)", for a flag's help.
template <class E, size_t N>
std::string described(const EnumTable<E, N>& table) {
    std::string out;
    const auto& entries = table.entries();
    for (size_t i = 0; i < N; ++i) {
        if (i > 0) out += i + 1 == N ? " or " : ", ";
        out += std::string(entries[i].name) + " (" + std::string(entries[i].description) + ")";
    }
    return out;
}

/// One of the table's names; the error lists them and the closest to what was typed.
template <class E, size_t N>
CLI::Validator one_of(const EnumTable<E, N>& table) {
    return CLI::Validator([&table](std::string& v) { return table.check(v); },
                          braced(table.names()));
}

/// A comma-separated list of the table's names (empty items are ignored): `--fail-on a,b`.
template <class E, size_t N>
CLI::Validator list_of(const EnumTable<E, N>& table) {
    return CLI::Validator(
        [&table](std::string& v) {
            std::string_view rest = v;
            while (!rest.empty()) {
                std::string_view item = rest.substr(0, rest.find(','));
                if (!item.empty()) {
                    if (std::string err = table.check(item); !err.empty()) return err;
                }
                rest.remove_prefix(std::min(rest.size(), item.size() + 1));
            }
            return std::string();
        },
        braced(table.names()) + std::string(kListMark));
}

/// Accepts anything, and offers `names` in help and completions: `--format` of stream tail is
/// text, json or a template; `--type` is a core type or a module's.
inline CLI::Validator suggests(const std::vector<std::string>& names, const std::string& other) {
    return CLI::Validator([](std::string&) { return std::string(); },
                          braced(names) + std::string(kOpenMark) + other);
}

}  // namespace redisops
