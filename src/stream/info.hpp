// `stream info`: what is needed to debug a stuck consumer: the stream's extent, each group's
// position, lag and pending count, the oldest pending entry and its idle time, and each
// consumer's pending count and idle time.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "acl/acl_rules.hpp"
#include "redis/client.hpp"

namespace redisops {

/// Every command `stream info` sends, for --print-acl, all of them reads: TYPE, XINFO
/// STREAM|GROUPS|CONSUMERS, XPENDING (the oldest pending entry) and XRANGE, which counts the
/// lag where the server has none (Redis < 7, or after an XDEL).
inline constexpr const char* kStreamInfoCommands[] = {
    "type", "xinfo|stream", "xinfo|groups", "xinfo|consumers", "xpending", "xrange"};

/// The read-only rules for `stream info` of exactly this stream.
AclRules stream_info_acl(const std::string& stream);

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
