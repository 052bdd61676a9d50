// The top level of an RDB snapshot: header, opcodes (AUX, SELECTDB, RESIZEDB, EXPIRETIME[_MS],
// IDLE, FREQ, FUNCTION2, MODULE_AUX, EOF) and the checksum, with each key handed to a visitor
// as it is read. Nothing is kept between keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rdb/byte_source.hpp"
#include "rdb/value.hpp"

namespace redisops::rdb {

inline constexpr int kOldestVersion = 1;
inline constexpr int kNewestVersion = 11;

struct RdbKey {
    uint64_t db = 0;
    std::string_view key;
    ValueFacts value;
    std::optional<int64_t> expire_ms;  // absolute unix time in ms
    uint64_t bytes = 0;                // serialized: from the type byte to the value's end
    std::optional<uint64_t> idle_s;    // IDLE opcode (LRU policies)
    std::optional<uint8_t> freq;       // FREQ opcode (LFU policies)
};

class RdbVisitor {
  public:
    virtual ~RdbVisitor() = default;
    virtual void on_key(const RdbKey& k) = 0;
    /// RESIZEDB: the db's key and expiry counts as the server saw them (INFO keyspace).
    virtual void on_db_size(uint64_t /*db*/, uint64_t /*keys*/, uint64_t /*expires*/) {}
    /// AUX ctime: when the snapshot was taken (keys expired by then are not in the keyspace).
    virtual void on_snapshot_time(int64_t /*unix_s*/) {}
};

struct RdbSummary {
    int version = 0;
    std::string redis_version;       // AUX redis-ver (valkey-ver)
    std::optional<int64_t> ctime_s;  // AUX ctime: when the snapshot was taken
    bool checksum_present = false;   // false: saved with rdbchecksum no (or RDB < 5)
    uint64_t bytes = 0;              // through the checksum
    uint64_t functions = 0;          // FUNCTION2 libraries
    uint64_t module_aux = 0;         // MODULE_AUX records
};

/// Parses a whole snapshot. Throws RdbError (exit 2) with the offset of the first damage, and
/// passes on what the source throws (ConnectionError for a replication stream).
RdbSummary parse_rdb(ByteSource& src, RdbVisitor& visitor, size_t chunk = size_t{1} << 20);

}  // namespace redisops::rdb
