// `--print-acl` on a capability's subcommand: prints the ACL SETUSER rules it needs for the
// prefix flags given beside it, and runs nothing (no connection is made).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "acl/acl_rules.hpp"
#include "context.hpp"

namespace redisops {

/// Adds --print-acl to `sub`. `rules` is called after parsing, so it sees every prefix flag; with
/// -c the cluster routing commands (kClusterRoutingCommands) are added.
/// A parent of leaf subcommands then accepts --print-acl without one.
void add_print_acl(CLI::App* sub, Context& ctx, std::string user, std::function<AclRules()> rules);

}  // namespace redisops
