// Evidence that someone still runs KEYS (which blocks the server for the whole keyspace):
// INFO commandstats, SLOWLOG, CLIENT LIST, and whether the ACLs would still allow it to us.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/connection.hpp"

namespace redisops {

struct SlowKeysCall {
    std::string node;
    long long id = 0;
    long long time = 0;  // unix seconds
    long long duration_us = 0;
    std::string pattern;  // KEYS' argument
    std::string client_addr;
    std::string client_name;
};

struct KeysClient {
    std::string node;
    std::string id;
    std::string addr;
    std::string name;
    std::string user;
};

struct KeysUsage {
    uint64_t calls = 0;  // cmdstat_keys calls since the last CONFIG RESETSTAT
    uint64_t usec = 0;
    std::vector<SlowKeysCall> slowlog;
    std::vector<KeysClient> clients;  // whose last command was KEYS
    std::string acl_user;
    std::optional<bool> acl_allows;  // nullopt: could not tell (Redis < 7, no permission)
    std::vector<std::string> notes;  // what could not be checked, and why

    /// Calls, slow log entries or clients: someone ran KEYS.
    bool evidence() const { return calls > 0 || !slowlog.empty() || !clients.empty(); }
    void merge(const KeysUsage& o);
};

/// The note for an optional source the server would not give (`what`: "SLOWLOG" …): "… is not
/// allowed for this user: NOPERM …", or not available when renamed, disabled or too old.
std::string unavailable_note(std::string_view what, std::string_view error);

/// Gathers the evidence from one node. Permission errors become notes, never exceptions;
/// a lost connection throws ConnectionError.
KeysUsage inspect_keys_usage(Connection& conn, const std::string& node);

/// The `db<N>:keys=…,expires=…` line of INFO keyspace.
struct KeyspaceEstimate {
    uint64_t keys = 0;
    uint64_t expires = 0;
    uint64_t no_ttl() const { return keys >= expires ? keys - expires : 0; }
};
KeyspaceEstimate parse_info_keyspace(std::string_view info, int db);

/// Calls f(line) for each line of a multi-line reply (INFO, CLIENT LIST), without the \r.
template <class F>
void for_each_line(std::string_view text, F f) {
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        f(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
}

/// `field=value` of one line of INFO (cmdstat_keys:calls=3,usec=10,…) or CLIENT LIST.
std::string info_field(std::string_view line, std::string_view field, char sep = ',');

}  // namespace redisops
