// Shell completion scripts generated from the command tree (cli_tree.hpp).
#pragma once

#include <string>
#include <vector>

#include "cli_tree.hpp"

namespace redisops {

/// Self-contained: needs neither the bash-completion package nor `_init_completion`.
std::string bash_completion(const std::vector<CommandInfo>& tree);
/// A `#compdef redis-ops` file for a directory on $fpath.
std::string zsh_completion(const std::vector<CommandInfo>& tree);
/// For fish's vendor_completions.d.
std::string fish_completion(const std::vector<CommandInfo>& tree);

}  // namespace redisops
