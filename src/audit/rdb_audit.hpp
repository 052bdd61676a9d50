// Audits of RDB snapshots: a file (or stdin), or snapshots streamed from every master over the
// replication protocol. The keys go through the same KeyspaceTally as a live walk, so every
// report format and gate works unchanged; `bytes` are serialized sizes.
#pragma once

#include <optional>
#include <string>

#include "audit/audit.hpp"
#include "redis/client.hpp"

namespace redisops {

struct RdbAuditOptions {
    AuditOptions audit;          // match, type, ignore and the tally limits apply as in a walk
    std::optional<uint64_t> db;  // -n: only this db (default: every db in the snapshot)
};

/// Audits the snapshot at `path` ("-": stdin). A damaged file throws RdbError (exit 2).
AuditReport run_rdb_file_audit(const std::string& path, const RdbAuditOptions& opts,
                               const AuditTick& tick = {});

/// Streams a snapshot from each master (in parallel) and audits them as one keyspace. A lost
/// connection makes the report incomplete; a refused SYNC throws ReplyError.
AuditReport run_rdb_sync_audit(Client& client, const RdbAuditOptions& opts,
                               const AuditTick& tick = {});

}  // namespace redisops
