// The shape of every whole-keyspace job (scan-audit, expire): one thread and one connection
// per master, all in parallel, with a progress tick on the calling thread while they run.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "redis/client.hpp"

namespace redisops {

/// A master and its kept connection (owned by the Client), or why it could not be opened.
struct MasterLink {
    ServerAddress address;
    Connection* connection = nullptr;
    std::string connect_error;
};

/// Every master of `client`, connected one after the other on this thread (the Client is not
/// shared between threads). A master that cannot be reached gets its connect_error instead.
std::vector<MasterLink> connect_masters(Client& client);

/// Runs `walk` once per master, one after the other on this thread (one for standalone and
/// Sentinel, each master of a cluster), with the connection to that node. A master that
/// cannot be reached throws ConnectionError.
void for_each_master(Client& client, const std::function<void(Connection& node)>& walk);

/// Runs job(i) for i in [0, jobs) each on its own thread and joins them all. While they run,
/// tick() is called every `period` on this thread (never when empty). A job that throws
/// is rethrown here after every thread has joined.
void run_per_node(size_t jobs, const std::function<void(size_t)>& job,
                  const std::function<void()>& tick = {},
                  std::chrono::milliseconds period = std::chrono::milliseconds(250));

}  // namespace redisops
