// "Which sessions does user 42 have" and "log user 42 out everywhere", for every layout:
// through the index where the layout keeps one (redis-ops, Spring's principal index), by a
// throttled SCAN of the prefix where it does not (connect-redis). Layout auto does all three.
#pragma once

#include <string_view>
#include <vector>

#include "acl/acl_rules.hpp"
#include "redis/client.hpp"
#include "session/connect_session.hpp"
#include "session/session_index.hpp"

namespace redisops {

/// One listing per layout read (auto: redis-ops, Spring, connect-redis, in that order).
std::vector<SessionListing> list_user_sessions(Client& client, const SessionLayout& layout,
                                               std::string_view user, const SessionScan& scan);

std::vector<DestroyAllResult> destroy_user_sessions(Client& client, const SessionLayout& layout,
                                                    std::string_view user, const SessionScan& scan);

/// The rules every session subcommand needs over the layout's keys (auto: every layout's):
/// redis-ops sessions, indexes and their destroy-all tombstones ({<index>}:destroying:…),
/// connect-redis sessions, Spring's <namespace>:* keys; and each layout's commands.
AclRules session_acl(const SessionLayout& layout);

/// The concrete layouts `kind` stands for.
std::vector<LayoutKind> concrete_layouts(LayoutKind kind);

}  // namespace redisops
