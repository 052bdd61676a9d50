// "Did you mean": the closest of a set of names to what was typed, and a walk of argv over a
// command tree that finds where a command line went wrong (a mistyped subcommand, or a
// subcommand's flag given before the subcommand is named). No CLI11 here: cmd/main.cpp turns
// its parser into a CommandNode tree.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace redisops {

/// Levenshtein distance: insertions, deletions and substitutions, one byte each.
size_t edit_distance(std::string_view a, std::string_view b);

/// The name closest to `typed`: within two edits, or one that `typed` (3+ bytes) begins.
/// Empty when nothing is close, or when `typed` is itself one of the names.
std::string closest_name(std::string_view typed, std::span<const std::string> names);
std::string closest_name(std::string_view typed, std::span<const std::string_view> names);

/// One command of a command line grammar: its subcommands and the flags it accepts itself
/// (a parent's flags, such as the global ones, are accepted below it too).
struct CommandNode {
    std::string name;                       // "" for the root
    std::vector<std::string> flags;         // "-h", "--host", "--json"
    std::vector<std::string> valued_flags;  // those of `flags` that take a value
    std::vector<CommandNode> children;
};

/// What a walk of the words after the program name found.
struct ArgvDiagnosis {
    std::vector<std::string> path;  // the subcommands the words named, in order
    /// The first word that names no subcommand where one was expected, and the closest name.
    std::optional<std::string> unknown_command;
    std::string suggestion;
    /// A flag that no command on the path accepts but a subcommand below does, given before
    /// that subcommand (`--prefix sess: session get X`), and the subcommand that owns it.
    std::optional<std::string> misplaced_flag;
    std::vector<std::string> flag_owner;
};

/// Walks `words` (argv without the program name) down `root`, skipping the values of flags
/// that take one (`-h cache` is a host, not the cache subcommand); stops at "--".
ArgvDiagnosis diagnose_argv(const CommandNode& root, std::span<const std::string> words);

/// The message for a diagnosis ("--prefix belongs to 'session get' and goes after it: …",
/// "unknown subcommand 'x' for 'lock'\nDid you mean 'acquire'?"), or nullopt when the walk
/// found nothing to say.
std::optional<std::string> diagnosis_message(const ArgvDiagnosis& d, std::string_view program);

}  // namespace redisops
