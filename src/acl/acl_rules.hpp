// Least privilege: the ACL rules one subcommand needs (keys, Pub/Sub channels, commands), as an
// `ACL SETUSER` line a user can paste. Each capability keeps its command list next to its code
// (kLockCommands in lock/lease.hpp, kExpireCommands in expire/expire.hpp …); this file only
// turns prefixes into ACL patterns and writes the line.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace redisops {

struct AclRules {
    std::vector<std::string> keys;      // ACL key patterns without the '~': "lock:*"
    std::vector<std::string> channels;  // channel patterns without the '&': "{lock:*}:released"
    std::vector<std::string> commands;  // "evalsha", "script|load" (a container|subcommand)
    /// Commands of newer servers (CLIENT NO-TOUCH: Redis 7.2+, Valkey 8): a second line, which
    /// an older server refuses as an unknown command, so the first line stays valid on both.
    std::vector<std::string> newer_commands;
    bool read_only = false;  // keys as %R~pattern (Redis 7.0+): read, never write

    void add_commands(std::span<const char* const> list);
};

/// The glob that matches exactly the keys that start with `prefix`: its glob characters
/// (* ? [ ] \) escaped, then '*'. An empty prefix matches every key.
std::string prefix_glob(std::string_view prefix);

/// `ACL SETUSER <user> reset +cmd… ~key… &channel…`: every right the rules name and no other
/// (reset also turns the user off: add `on >PASSWORD` to use it). Words are quoted the way
/// redis-cli splits them when they hold spaces or quotes. With newer_commands, a second line.
std::string acl_setuser(const AclRules& rules, std::string_view user);

}  // namespace redisops
