// `invalidate-tag`: deletes every key of a tag set, then the set, without ever blocking the
// server on one big command.
//  1. tag_tombstone.lua RENAMEs `tag:<T>` to `{tag:<T>}:tombstone:<random>` (O(1)) and records
//     it in the registry `{tag:<T>}:tombstones`; keys tagged from then on go to a fresh set.
//  2. Each tombstone in the registry (this one and leftovers of interrupted runs) is drained
//     with SSCAN … COUNT batch and UNLINK of each page (per slot on a cluster).
//  3. tag_tombstone_drop.lua UNLINKs the drained tombstone and removes it from the registry.
// A crash anywhere leaves the tombstone in the registry, so the next run finishes the job.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "redis/client.hpp"

namespace redisops {

/// The registry of the tag's undrained tombstones, in the tag set's slot.
std::string tombstone_registry_key(std::string_view tag_key);
/// A fresh tombstone name for the tag set, in its slot.
std::string new_tombstone_key(std::string_view tag_key);

struct TagInvalidationOptions {
    bool dry_run = false;
    long long batch = 250;  // SSCAN COUNT and UNLINK size: ~0.2 ms a command, far under 10
    /// Called after each batch with the members seen so far (for progress on a terminal).
    std::function<void(uint64_t)> progress;
};

struct TagInvalidation {
    std::string tag_key;
    long long deleted = 0;  // keys that existed and were deleted (or would be, in a dry run)
    uint64_t members = 0;   // set members seen (duplicates of SSCAN included)
    size_t tombstones = 0;  // sets drained: 1, plus leftovers of interrupted runs
};

TagInvalidation invalidate_tag(Client& client, const std::string& tag_key,
                               const TagInvalidationOptions& opts);

}  // namespace redisops
