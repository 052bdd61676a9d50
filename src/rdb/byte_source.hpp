// Where snapshot bytes come from: a file, stdin, or a replication stream (rdb/sync.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace redisops::rdb {

class ByteSource {
  public:
    virtual ~ByteSource() = default;
    /// Up to `len` bytes into buf; 0 only at the end of the input. Throws on I/O errors.
    virtual size_t read_some(uint8_t* buf, size_t len) = 0;
    /// How many bytes the framing puts after the snapshot's checksum (a diskless SYNC's mark).
    virtual size_t trailer_size() const { return 0; }
    /// Given those bytes once the snapshot is parsed; throws when they are not what the
    /// framing announced.
    virtual void check_trailer(const uint8_t* /*trailer*/) {}
};

/// A file descriptor read with large read() calls. Does not own the descriptor.
class FdSource : public ByteSource {
  public:
    FdSource(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
    size_t read_some(uint8_t* buf, size_t len) override;

  private:
    int fd_;
    std::string name_;
};

/// Bytes already in memory (tests, the fuzzer).
class MemorySource : public ByteSource {
  public:
    MemorySource(const uint8_t* data, size_t len) : data_(data), len_(len) {}
    size_t read_some(uint8_t* buf, size_t len) override;

  private:
    const uint8_t* data_;
    size_t len_;
    size_t pos_ = 0;
};

}  // namespace redisops::rdb
