// Work over a user's whole index: listing live sessions (pruning dead ids) and "log out
// everywhere". Both walk the index with SSCAN in batches and route each session key to its
// own node, so they work on big indexes and across cluster slots.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "redis/client.hpp"
#include "session/session_record.hpp"

namespace redisops {

/// Reads many sessions, pipelined per node (lua/session_read.lua); one lookup per key, in order.
std::vector<SessionLookup> read_sessions(Client& client, const std::vector<std::string>& ids,
                                         const std::vector<std::string>& keys);

struct SessionListing {
    std::string index_key;
    std::vector<Session> sessions;  // live, oldest first
    size_t pruned = 0;              // index entries whose session had expired, now removed
    size_t skipped = 0;             // entries whose key is not a session, or another user's
};

SessionListing list_sessions(Client& client, const SessionLayout& layout, std::string_view user_id);

struct DestroyAllResult {
    std::string index_key;
    size_t destroyed = 0;      // session keys that existed and were deleted
    size_t index_entries = 0;  // ids the index held
};

/// Detaches the index (RENAME to a same-slot tombstone, so sessions created meanwhile survive
/// in a fresh index), UNLINKs its sessions in SSCAN batches, then the tombstone.
DestroyAllResult destroy_all_sessions(Client& client, const SessionLayout& layout,
                                      std::string_view user_id);

}  // namespace redisops
