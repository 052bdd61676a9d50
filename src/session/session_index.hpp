// Work over a user's whole index: listing live sessions (pruning dead ids) and "log out
// everywhere". Both walk the index with SSCAN in batches and route each session key to its
// own node, so they work on big indexes and across cluster slots.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/client.hpp"
#include "session/session_record.hpp"

namespace redisops {

/// Reads many sessions, pipelined per node, read as `layout`; one lookup per key, in order.
std::vector<SessionLookup> read_sessions(Client& client, const std::vector<std::string>& ids,
                                         const std::vector<std::string>& keys,
                                         const SessionLayout& layout);

/// SSCAN pages of `set` (members seen twice dropped), each handed to `page`.
void scan_set_members(Client& client, const std::string& set,
                      const std::function<void(const std::vector<std::string>&)>& page);

struct SessionListing {
    LayoutKind layout = LayoutKind::RedisOps;
    std::string index_key;          // the index read (empty when the layout has none)
    std::vector<Session> sessions;  // live, oldest first
    size_t pruned = 0;              // index entries whose session had expired, now removed
    size_t skipped = 0;             // entries whose key is not a session, or another user's
    uint64_t scanned = 0;           // keys a SCAN read (layouts without an index)
    std::string scanned_match;      // its MATCH pattern
    size_t scanned_nodes = 0;
};

SessionListing list_sessions(Client& client, const SessionLayout& layout, std::string_view user_id);

struct DestroyAllResult {
    LayoutKind layout = LayoutKind::RedisOps;
    std::string index_key;
    size_t destroyed = 0;      // session keys that existed and were deleted
    size_t index_entries = 0;  // ids the index held
    uint64_t scanned = 0;      // keys a SCAN read (layouts without an index)
    std::string scanned_match;
    size_t scanned_nodes = 0;
};

/// Detaches the index (RENAME to a same-slot tombstone, so sessions created meanwhile survive
/// in a fresh index), UNLINKs its sessions in SSCAN batches, then the tombstone.
DestroyAllResult destroy_all_sessions(Client& client, const SessionLayout& layout,
                                      std::string_view user_id);

}  // namespace redisops
