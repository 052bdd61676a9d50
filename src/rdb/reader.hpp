// A buffered, checksumming reader over a ByteSource that knows the offset of every byte, so
// each error can say where the snapshot went wrong.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rdb/byte_source.hpp"
#include "rdb/error.hpp"

namespace redisops::rdb {

class RdbReader {
  public:
    /// The most bytes take() hands out at once.
    static constexpr size_t kMaxTake = 64;

    explicit RdbReader(ByteSource& src, size_t chunk = size_t{1} << 20);

    /// Offset of the next byte to be read.
    uint64_t offset() const { return base_ + pos_; }

    uint8_t u8(const char* what) {
        if (pos_ == end_) fill(1, what);
        return buf_[pos_++];
    }
    /// n (<= kMaxTake) contiguous bytes, valid until the next call.
    const uint8_t* take(size_t n, const char* what) {
        if (end_ - pos_ < n) fill(n, what);
        const uint8_t* p = buf_.data() + pos_;
        pos_ += n;
        return p;
    }
    uint64_t le64(const char* what);
    uint32_t le32(const char* what);
    /// Appends n bytes to out; out grows only as the bytes actually arrive.
    void append_to(std::string& out, uint64_t n, const char* what);
    /// Passes over n bytes (still checksummed) without keeping them.
    void skip(uint64_t n, const char* what);
    /// True when the input has no more bytes.
    bool at_end();

    /// CRC-64 of every byte consumed so far.
    uint64_t checksum();

    [[noreturn]] void truncated(const char* what) const;

  private:
    void fill(size_t n, const char* what);
    ByteSource& src_;
    std::vector<uint8_t> buf_;
    size_t pos_ = 0;
    size_t end_ = 0;
    uint64_t base_ = 0;  // offset of buf_[0]
    uint64_t crc_ = 0;
    size_t crc_mark_ = 0;  // buf_[crc_mark_, pos_) is consumed but not yet in crc_
};

}  // namespace redisops::rdb
