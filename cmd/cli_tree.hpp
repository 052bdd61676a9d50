// The binary's own command tree, flattened into plain data so that completions, the help
// layout and the man-page sync test are all derived from what CLI11 really registered,
// never from a second list that could drift.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace redisops {

struct FlagInfo {
    std::vector<std::string> names;  // "-u", "--url" (short names first)
    std::string description;
    std::string type_name;  // "DURATION", "TEXT", … empty for a plain flag
    bool takes_value = false;
    bool is_list = false;  // a comma-separated list of choices (--fail-on)
    std::vector<std::string> choices;
    bool root_only = false;  // the root's --help and --version, not inherited
    enum class Value { kAny, kFile, kDir } value = Value::kAny;  // what to complete for the value
};

struct CommandInfo {
    std::vector<std::string> path;  // {} for the root, {"lock", "acquire"}
    std::string description;
    std::vector<FlagInfo> flags;        // this command's own flags (globals live on the root)
    std::vector<std::string> children;  // visible subcommand names
    std::vector<std::string> child_descriptions;
    bool runs_command = false;  // takes `-- CMD [ARG…]`
    const CLI::App* app = nullptr;

    /// "lock acquire"; "" for the root.
    std::string joined() const;
};

/// Every visible command, parents before children; hidden subcommands (group "") are left out.
std::vector<CommandInfo> command_tree(const CLI::App& root);

}  // namespace redisops
