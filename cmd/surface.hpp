// The user-facing surface around the subcommands: hidden generators and the help layout.
#pragma once

#include <CLI/CLI.hpp>

namespace redisops {

class Context;

/// `redis-ops completions bash|zsh|fish|tree` (hidden).
void setup_completions(CLI::App& app, Context& ctx);

/// Call once every subcommand is set up: groups each command's flags into Connection,
/// Behaviour and Output, orders the help that way, and adds the examples footers.
void add_help_layout(CLI::App& root);

}  // namespace redisops
