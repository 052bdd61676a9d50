// Redis Sentinel: finding the current master of a named group.
#pragma once

#include <string>

#include "redis/connection.hpp"
#include "redis/options.hpp"

namespace redisops {

/// The options for talking to the sentinels themselves: their own user and password,
/// TLS as opts.sentinel_tls (default: as the data nodes), database 0.
ConnectionOptions sentinel_options(const ConnectionOptions& opts);

/// Asks each sentinel in turn (SENTINEL GET-MASTER-ADDR-BY-NAME), connects to the address it
/// names and keeps the connection only if ROLE says "master": during a failover a sentinel
/// may still name the old master, now a replica or down. Rounds repeat until
/// opts.connect_timeout; then throws ConnectionError with what each sentinel said.
Connection connect_master(const ConnectionOptions& opts);

}  // namespace redisops
