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

#include "acl/acl_rules.hpp"
#include "redis/client.hpp"

namespace redisops {

/// Every command `invalidate-tag` sends, its scripts' calls included, for --print-acl: the
/// scripts (EVALSHA, SCRIPT LOAD; TYPE RENAME SADD PTTL PEXPIRE SMEMBERS UNLINK SREM inside),
/// the drain (SSCAN, UNLINK of the members) and --dry-run's count (SMEMBERS, EXISTS).
inline constexpr const char* kInvalidateTagCommands[] = {
    "evalsha", "script|load", "type",  "rename", "sadd", "pttl",
    "pexpire", "smembers",    "sscan", "unlink", "srem", "exists"};

/// The rules for invalidating tags under `tag_prefix` whose members are the cached keys under
/// `prefix` (empty: every key): the tag sets, their tombstones and registries (same slot), the
/// members, and kInvalidateTagCommands.
AclRules invalidate_tag_acl(std::string_view prefix, std::string_view tag_prefix);

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
