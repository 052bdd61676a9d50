// The pure parts of Redis Cluster routing: which shard owns which slot (CLUSTER SLOTS), the
// MOVED/ASK redirect replies, and the rules that decide what may be resent or sent at all.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "redis/connection.hpp"
#include "redis/options.hpp"
#include "redis/reply.hpp"
#include "redis/slot.hpp"

namespace redisops {

/// A master and its replicas, as CLUSTER SLOTS lists them.
struct Shard {
    ServerAddress master;
    std::vector<ServerAddress> replicas;
};

/// "MOVED 3999 127.0.0.1:6381" or "ASK 3999 127.0.0.1:6381".
struct Redirect {
    bool ask = false;
    int slot = 0;
    ServerAddress target;
};

/// Parses a MOVED/ASK error reply; nullopt for any other error.
std::optional<Redirect> parse_redirect(std::string_view error);

/// Which shard owns each of the 16384 slots.
struct SlotMap {
    std::vector<Shard> shards;
    std::array<int16_t, kSlotCount> owner{};  // index into shards, -1 when uncovered

    SlotMap() { owner.fill(-1); }
    /// Builds the map from a CLUSTER SLOTS reply. An empty host means the node that was asked
    /// (`asked`), as Redis reports when it does not know its own address.
    static SlotMap from_cluster_slots(ReplyView reply, const ServerAddress& asked);
    /// Builds the map from a CLUSTER SHARDS reply (Redis 7.0+, Valkey): each node by its
    /// preferred endpoint (an announced hostname when cluster-preferred-endpoint-type is
    /// hostname), on its TLS port when `tls`; replicas that are not online are left out.
    static SlotMap from_cluster_shards(ReplyView reply, const ServerAddress& asked, bool tls);
    const Shard* shard_for_slot(int slot) const;
    std::vector<ServerAddress> masters() const;
};

/// Commands that only read (GET, SCAN, XRANGE, INFO …): resending one after a lost
/// connection cannot apply anything twice. XREADGROUP is not one (it moves the PEL).
bool is_read_only_command(const Args& argv);

/// Throws std::logic_error (a redis-ops bug, exit 70) when `keys` do not share one hash slot:
/// such a script cannot run on a cluster, so it is refused before it is sent anywhere.
void require_same_slot(std::string_view script_name, const Args& keys);

}  // namespace redisops
