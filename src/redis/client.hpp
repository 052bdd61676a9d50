// What the capabilities talk to: one Redis deployment (standalone, Sentinel-managed or Cluster).
// It routes each command to the node that owns its key, so src/<pattern>/ code never knows
// which kind of deployment it is on.
//
// On a cluster: command_for_key() and eval() follow MOVED and ASK themselves;
// connection_for_key() only picks the owner per the current slot map, so a pipeline sent on it
// may still meet a MOVED reply during a resharding (refresh_topology() and resend, or use
// command_for_key). Keyless commands (command(), connection()) go to one master: the first
// shard of the slot map. With Sentinel, the master is asked of the sentinels on connect and
// again after the connection to it broke; a READONLY reply (the old master was demoted) makes
// the client re-resolve and resend once, as does a lost connection for read-only commands.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "redis/cluster.hpp"
#include "redis/connection.hpp"
#include "redis/options.hpp"
#include "redis/script.hpp"

namespace redisops {

enum class Topology { Standalone, Sentinel, Cluster };

class Client {
  public:
    explicit Client(ConnectionOptions opts);
    Client(Client&&) noexcept = default;
    Client& operator=(Client&&) noexcept = default;

    const ConnectionOptions& options() const { return opts_; }
    Topology topology() const;

    /// The connection for keyless commands (the master). Connects on first use; reconnects
    /// after the previous connection broke.
    Connection& connection();
    /// The connection to the node that owns `key`.
    Connection& connection_for_key(std::string_view key);

    /// A keyless command (INFO, TIME, SCRIPT …) on the master.
    Reply command(const Args& argv);
    /// A command whose first key is `key`, sent to the node that owns it. Error replies throw.
    Reply command_for_key(std::string_view key, const Args& argv);
    /// Commands whose keys all share `key`'s slot, pipelined to its owner: replies in order,
    /// error replies kept in place (like Pipeline::exec). On a cluster, a command answered MOVED
    /// or ASK (a resharding) is resent where it points; a Pipeline on connection_for_key()
    /// would hand those replies back instead.
    std::vector<Reply> pipeline_for_key(std::string_view key, const std::vector<Args>& commands);
    /// Runs a script on the node owning keys[0]; every key must share its hash slot. Keys in
    /// different slots are refused before sending, on every topology (std::logic_error: a
    /// redis-ops bug), so a script that passes on one server also runs on a cluster.
    Reply eval(const Script& script, const Args& keys, const Args& args);

    /// Every master, for keyspace walks (one entry for standalone).
    std::vector<ServerAddress> masters();
    /// Every shard: its master and replicas (standalone and Sentinel: one, from ROLE).
    std::vector<Shard> shards();
    /// A connection to one of masters() (or a replica from shards()); opened on demand and
    /// kept. Safe to call from several threads, each using its own node's connection.
    Connection& connection_to(const ServerAddress& addr);
    /// A new connection to `addr` with this client's credentials and TLS, owned by the caller
    /// (for a thread of its own).
    Connection open_connection(const ServerAddress& addr) const;

    /// Reloads the cluster slot map (no-op otherwise).
    void refresh_topology();
    /// Drops every connection; the next call reconnects (and re-resolves the master).
    void reset();

  private:
    /// Runs `attempt` on the master; with Sentinel, resends once after READONLY, and after a
    /// lost connection when `read_only`.
    template <class F>
    Reply on_master(bool read_only, F&& attempt);

    ConnectionOptions opts_;
    std::optional<Connection> main_;
    std::unique_ptr<ClusterRouter> cluster_;
    NodePool others_;  // replicas and other nodes, outside a cluster
};

}  // namespace redisops
