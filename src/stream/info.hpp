// `stream info`: what is needed to debug a stuck consumer: the stream's extent, each group's
// position, lag and pending count, the oldest pending entry and its idle time, and each
// consumer's pending count and idle time.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "redis/client.hpp"

namespace redisops {

struct ConsumerInfo {
    std::string name;
    long long pending = 0;
    long long idle_ms = 0;
    std::optional<long long> inactive_ms;  // Redis 7.2+
};

struct GroupInfo {
    std::string name;
    long long pending = 0;
    std::string last_delivered_id;
    std::optional<long long> entries_read;  // Redis 7+
    /// Entries not yet delivered to the group: XINFO GROUPS `lag` (Redis 7), or counted with
    /// XRANGE after last_delivered_id when the server has none (older, or after XDEL).
    std::optional<long long> lag;
    bool lag_counted = false;
    bool lag_capped = false;  // counting stopped at the cap: lag is a lower bound
    std::optional<std::string> oldest_pending_id, oldest_pending_consumer;
    std::optional<long long> oldest_pending_idle_ms, oldest_pending_deliveries;
    std::vector<ConsumerInfo> consumers;
};

struct StreamInfo {
    std::string stream;
    long long length = 0;
    std::optional<std::string> first_entry_id, last_entry_id;
    std::string last_generated_id;
    std::optional<long long> entries_added;  // Redis 7+
    std::vector<GroupInfo> groups;
};

/// nullopt when the key does not exist; a key of another type throws ReplyError (WRONGTYPE).
std::optional<StreamInfo> read_stream_info(Client& client, const std::string& stream,
                                           long long lag_count_cap = 1000000);

nlohmann::json to_json(const StreamInfo& info);

}  // namespace redisops
