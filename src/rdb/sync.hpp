// A snapshot streamed over the replication protocol, as `redis-cli --rdb` gets one:
// REPLCONF capa eof and rdb-only 1 (Redis 7+: no replication stream after it), then SYNC,
// whose answer is `$<len>\r\n<payload>` or, diskless, `$EOF:<40-byte mark>\r\n<payload><mark>`.
// The bytes go straight to the parser as they arrive; nothing touches the disk here.
#pragma once

#include <optional>
#include <string>

#include "rdb/byte_source.hpp"
#include "redis/connection.hpp"

namespace redisops::rdb {

class ReplicationSource : public ByteSource {
  public:
    /// Sends the requests and reads up to the payload's first byte. Throws ReplyError when the
    /// server refuses SYNC (NOPERM, a replica still syncing …), ConnectionError when it breaks.
    explicit ReplicationSource(Connection& conn);
    size_t read_some(uint8_t* buf, size_t len) override;
    /// Diskless: the 40-byte mark from the `$EOF:` header must follow the snapshot.
    size_t trailer_size() const override { return eof_mark_.size(); }
    void check_trailer(const uint8_t* trailer) override;
    /// The payload's size, when the server announced one (disk-based transfer).
    std::optional<uint64_t> size() const {
        return remaining_known_ ? std::optional(total_) : std::nullopt;
    }
    bool rdb_only() const { return rdb_only_; }

  private:
    size_t raw_read(uint8_t* buf, size_t len);
    std::string read_line();

    Connection& conn_;
    Transport& transport_;
    std::string address_;
    std::optional<Millis> idle_timeout_;
    std::string pending_;  // payload bytes that arrived with the header line
    size_t pending_pos_ = 0;
    bool remaining_known_ = false;
    uint64_t total_ = 0;
    uint64_t remaining_ = 0;
    bool rdb_only_ = false;
    std::string eof_mark_;  // diskless only
};

}  // namespace redisops::rdb
