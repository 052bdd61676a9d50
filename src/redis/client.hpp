// What the capabilities talk to: one Redis deployment (standalone, Sentinel-managed or Cluster).
// It routes each command to the node that owns its key, so src/<pattern>/ code never knows
// which kind of deployment it is on.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "redis/connection.hpp"
#include "redis/options.hpp"
#include "redis/script.hpp"

namespace redisops {

class Client {
public:
    explicit Client(ConnectionOptions opts);
    Client(Client&&) noexcept = default;
    Client& operator=(Client&&) noexcept = default;

    const ConnectionOptions& options() const { return opts_; }

    /// The connection for keyless commands (the master). Connects on first use; reconnects
    /// after the previous connection broke.
    Connection& connection();
    /// The connection to the node that owns `key`.
    Connection& connection_for_key(std::string_view key);

    /// A keyless command (INFO, TIME, SCRIPT …) on the master.
    Reply command(const Args& argv);
    /// A command whose first key is `key`, sent to the node that owns it. Error replies throw.
    Reply command_for_key(std::string_view key, const Args& argv);
    /// Runs a script on the node owning keys[0]; every key must share its hash slot.
    Reply eval(const Script& script, const Args& keys, const Args& args);

    /// Every master, for keyspace walks (one entry for standalone).
    std::vector<ServerAddress> masters();
    /// A connection to one of masters(); opened on demand.
    Connection& connection_to(const ServerAddress& addr);

    /// Drops every connection; the next call reconnects (and re-resolves the master).
    void reset();

private:
    ConnectionOptions opts_;
    std::optional<Connection> main_;
};

}  // namespace redisops
