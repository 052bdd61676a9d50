// A multi-key command (UNLINK, EXISTS) over keys that may live anywhere on a cluster.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "redis/client.hpp"

namespace redisops {

/// Groups `keys` into batches one server can take in one command: everything together on a
/// standalone server; one batch per hash slot on a cluster (multi-key commands across slots
/// fail with CROSSSLOT, even on one node).
std::vector<std::vector<std::string>> group_by_slot(const std::vector<std::string>& keys,
                                                    bool cluster);

/// Sends `command key…` for each batch, pipelined per node, and sums the integer replies
/// (UNLINK: keys removed; EXISTS: keys that exist). Error replies throw ReplyError.
long long sum_over_keys(Client& client, std::string_view command,
                        const std::vector<std::string>& keys);

}  // namespace redisops
