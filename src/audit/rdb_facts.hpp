// What an audit of an RDB snapshot reports beyond a live audit: where the bytes came from,
// the memory estimate, keys already expired at snapshot time, and per-db counts.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace redisops {

struct RdbDbFacts {
    uint64_t keys = 0;  // audited (after --match/--type), expired ones excluded
    uint64_t no_ttl = 0;
    uint64_t expired = 0;
    uint64_t bytes = 0;  // serialized
    uint64_t est_memory_bytes = 0;
    uint64_t resize_keys = 0;  // RESIZEDB, as INFO keyspace would have said
    uint64_t resize_expires = 0;
};

struct RdbFacts {
    int version = 0;
    std::string redis_version;       // AUX redis-ver
    bool checksum_verified = false;  // false: saved without a checksum
    uint64_t snapshot_bytes = 0;
    int64_t snapshot_time_ms = 0;  // AUX ctime (or the audit's start when absent)
    uint64_t est_memory_bytes = 0;
    uint64_t expired_keys = 0;  // expired before the snapshot was taken: counted apart
    uint64_t expired_bytes = 0;
    uint64_t keys_with_idle = 0;  // IDLE opcodes (LRU policies)
    uint64_t idle_max_s = 0;
    uint64_t keys_with_freq = 0;  // FREQ opcodes (LFU policies)
    uint64_t functions = 0;
    uint64_t module_aux = 0;
    std::map<uint64_t, RdbDbFacts> dbs;
};

}  // namespace redisops
