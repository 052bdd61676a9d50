// `redis-ops lock list` and the holder text shared with `lock status` (cmd/lock.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "context.hpp"
#include "lock/holder.hpp"

namespace redisops {

/// The holder as JSON (`host`, `pid`, `user`, `command`, `started_at_ms`, `held_for_ms`,
/// `renewals`), or null for a lock another program wrote.
nlohmann::json holder_json(const std::optional<HolderRecord>& holder, long long server_now_ms);
/// "held by web-3 (pid 4242, user deploy) running `./deploy.sh --prod` for 3m12s, renewed 9
/// times, expires in 21s, fence 118", or "held, holder unknown: not taken by redis-ops, …".
std::string holder_sentence(const std::optional<HolderRecord>& holder,
                            const std::optional<std::chrono::milliseconds>& ttl, long long fence,
                            long long server_now_ms);

void setup_lock_list(CLI::App* lock, Context& ctx);

}  // namespace redisops
