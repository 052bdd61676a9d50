// Redis Cluster routing: the slot map (from CLUSTER SLOTS), one connection per node, and
// the redirect protocol (MOVED refreshes the map, ASK sends ASKING to the importing node).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/connection.hpp"
#include "redis/options.hpp"
#include "redis/script.hpp"
#include "redis/slot.hpp"
#include "redis/slot_map.hpp"

namespace redisops {

/// --print-acl with -c: what routing on a Redis Cluster sends besides the subcommand's own
/// commands. CLUSTER INFO and CLUSTER SHARDS to read the slot map (CLUSTER SLOTS is asked too,
/// but only used where SHARDS is refused), and ASKING before a command sent to a node that is
/// importing the key's slot.
inline constexpr const char* kClusterRoutingCommands[] = {"cluster|info", "cluster|shards",
                                                          "asking"};

/// True when the server has closed an idle connection (EOF or reset waiting on the socket).
/// Checked before reuse: a failover's CLIENT KILL, a restart or the server's idle `timeout`
/// leave a kept connection dead, and a command written to it would be lost in doubt.
bool idle_peer_closed(const Connection& c);

/// One kept connection per node, opened on demand and reopened after it broke or closed. get() is
/// safe from several threads; each returned connection must be used by one thread at a time.
class NodePool {
  public:
    Connection& get(const ConnectionOptions& opts, const ServerAddress& addr);
    void clear();

  private:
    std::map<std::string, Connection> nodes_;  // by ServerAddress::display()
    std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>();
};

class ClusterRouter {
  public:
    static constexpr int kMaxRedirects = 8;

    explicit ClusterRouter(ConnectionOptions opts);

    /// The pooled connection to `addr` (see NodePool).
    Connection& node(const ServerAddress& addr);
    /// The master owning `slot` per the current map (loaded on first use).
    Connection& node_for_slot(int slot);
    /// Any master, for keyless commands: the first shard of the map.
    Connection& any_master();

    /// Sends argv to the owner of `slot`, following MOVED and ASK. Error replies throw;
    /// CROSSSLOT throws as a redis-ops bug; CLUSTERDOWN names the cluster state.
    Reply command(int slot, const Args& argv);
    /// Commands on keys of one slot, pipelined to its owner; replies in order, error replies
    /// kept. A command answered MOVED or ASK was not run, so it alone is resent where the
    /// redirect points (a migrating slot answers ASK key by key).
    std::vector<Reply> pipeline(int slot, const std::vector<Args>& commands);
    /// EVALSHA on the owner of keys[0] (NOSCRIPT -> SCRIPT LOAD -> retry), following
    /// redirects: a MOVED or ASK reply means the script did not run, so resending is safe.
    Reply eval(const Script& script, const Args& keys, const Args& args);

    std::vector<Shard> shards();
    std::vector<ServerAddress> masters();

    /// Reloads the slot map from any reachable node. Throws ConnectionError when none answers
    /// and when the cluster reports a state other than ok.
    void refresh();
    void reset();

  private:
    /// One try on a connection; `asking` when it follows an ASK redirect.
    using Attempt = std::function<Reply(Connection&, bool asking)>;
    const SlotMap& map();
    /// Tries `attempt` on the owner of `slot`, following redirects. Error replies other than
    /// redirects throw, or are returned when `keep_errors`.
    Reply route(int slot, bool retry_on_loss, const Attempt& attempt, bool keep_errors = false);
    [[noreturn]] void cluster_down(const ServerAddress& where, std::string_view error);

    ConnectionOptions opts_;
    std::optional<SlotMap> map_;
    NodePool pool_;
};

}  // namespace redisops
