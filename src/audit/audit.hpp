// The whole audit: every master (or one of its replicas) walked in parallel, one thread and
// one connection each, merged into one report with a per-node breakdown.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/baseline.hpp"
#include "audit/keys_usage.hpp"
#include "audit/rdb_facts.hpp"
#include "audit/tally.hpp"
#include "audit/walk.hpp"
#include "redis/client.hpp"

namespace redisops {

/// Every command a live scan-audit sends, for --print-acl: the walk (SCAN, TYPE, PTTL, MEMORY
/// USAGE, ASKING on a cluster, the length commands of --big-elements), INFO, and the optional
/// evidence of KEYS usage (a note when missing, never a failure). CLIENT NO-TOUCH (Redis 7.2+,
/// Valkey 8) is apart, in kAuditNewerCommands: older servers reject its name in ACL rules.
inline constexpr const char* kAuditNewerCommands[] = {"client|no-touch"};
inline constexpr const char* kAuditCommands[] = {
    "scan",  "type", "pttl", "memory|usage", "strlen",      "hlen",       "llen",      "scard",
    "zcard", "xlen", "info", "slowlog|get",  "client|list", "acl|whoami", "acl|dryrun"};

struct AuditOptions {
    WalkOptions walk;
    TallyLimits limits;
    bool replica = false;  // walk a replica of each master when INFO replication names one
};

struct NodeReport {
    std::string address;  // the master
    std::string source;   // where the walk read from: the master or its replica
    bool complete = false;
    std::string error;
    uint64_t keys_scanned = 0;
    uint64_t duplicates = 0;
    uint64_t vanished = 0;
    uint64_t scan_calls = 0;
    std::chrono::milliseconds longest_call{0};
    std::chrono::milliseconds duration{0};
    KeyspaceEstimate estimate;
    std::string server_version;          // INFO server: valkey_version, else redis_version
    std::string run_id;                  // INFO server run_id: changes on every restart
    uint64_t keys_command_calls = 0;     // this node's INFO commandstats
    std::optional<KeyspaceTally> tally;  // this node's share of the merged tally
};

/// What was audited, for a report's header.
struct ServerInfo {
    std::string address;        // redacted URL or the first master; never a password
    std::string software;       // "redis" or "valkey" (INFO server valkey_version)
    std::string version;        // the software's own version: valkey_version on Valkey
    std::string redis_version;  // INFO server redis_version (Valkey reports a compatible one)
    std::string run_id;         // INFO server run_id (the first master's on a cluster)
    bool cluster = false;
    int db = 0;
};

/// The `version`, `software` and `redis_version` of INFO server.
ServerInfo parse_info_server(std::string_view info_server);

struct AuditReport {
    explicit AuditReport(const AuditOptions& o) : options(o), tally(o.limits) {}
    AuditOptions options;
    bool complete = false;
    std::vector<NodeReport> nodes;
    KeyspaceTally tally;
    KeysUsage keys_usage;
    KeyspaceEstimate estimate;  // summed over nodes, before the walk
    uint64_t duplicates = 0;
    uint64_t vanished = 0;
    std::chrono::milliseconds longest_call{0};
    std::chrono::milliseconds duration{0};
    std::vector<std::string> notes;
    /// Why MEMORY USAGE gave no sizes (denied, renamed); empty when bytes are known. Unknown
    /// bytes are reported as unavailable (JSON null), never as zero.
    std::string bytes_unavailable;
    std::optional<RdbFacts> rdb;  // set by the audits of snapshots (audit/rdb_audit.hpp)
    std::optional<BaselineVerdict> baseline;  // --baseline: the findings' classes
    ServerInfo server;
    std::chrono::system_clock::time_point generated_at;  // when the walk ended
};

/// Called about four times a second from the calling thread while the walk runs.
using AuditTick = std::function<void(uint64_t keys_done, uint64_t keys_expected)>;

/// Runs the audit. Nodes that cannot be reached or break mid-walk make the report incomplete
/// (complete=false) rather than throwing; an error reply (NOPERM …) throws ReplyError.
AuditReport run_audit(Client& client, const AuditOptions& opts, const AuditTick& tick = {});

/// The first online replica INFO replication lists (`slave0:ip=…,port=…,state=online`).
std::optional<ServerAddress> replica_from_info(std::string_view info_replication);

}  // namespace redisops
