#include "rdb/reader.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "rdb/crc64.hpp"

namespace redisops::rdb {

void damaged(uint64_t offset, std::string_view expected) {
    throw RdbError(offset, fmt::format("RDB damaged at offset {}: expected {}", offset, expected));
}

size_t FdSource::read_some(uint8_t* buf, size_t len) {
    for (;;) {
        ssize_t n = ::read(fd_, buf, len);
        if (n >= 0) return static_cast<size_t>(n);
        if (errno == EINTR) continue;
        throw UsageError(fmt::format("cannot read {}: {}", name_, std::strerror(errno)));
    }
}

size_t MemorySource::read_some(uint8_t* buf, size_t len) {
    size_t n = std::min(len, len_ - pos_);
    if (n) std::memcpy(buf, data_ + pos_, n);
    pos_ += n;
    return n;
}

RdbReader::RdbReader(ByteSource& src, size_t chunk)
    : src_(src), buf_(std::max(chunk, 4 * kMaxTake)) {}

void RdbReader::truncated(const char* what) const {
    uint64_t at = base_ + end_;
    throw RdbError(at, fmt::format("RDB truncated at offset {}: expected {}", at, what));
}

void RdbReader::fill(size_t n, const char* what) {
    if (pos_ > 0) {
        crc_ = crc64(crc_, buf_.data() + crc_mark_, pos_ - crc_mark_);
        std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
        base_ += pos_;
        end_ -= pos_;
        pos_ = 0;
        crc_mark_ = 0;
    }
    while (end_ < n) {
        size_t got = src_.read_some(buf_.data() + end_, buf_.size() - end_);
        if (got == 0) truncated(what);
        end_ += got;
    }
}

bool RdbReader::at_end() {
    if (pos_ < end_) return false;
    if (pos_ > 0) {
        crc_ = crc64(crc_, buf_.data() + crc_mark_, pos_ - crc_mark_);
        base_ += pos_;
        pos_ = end_ = crc_mark_ = 0;
    }
    size_t got = src_.read_some(buf_.data(), buf_.size());
    end_ = got;
    return got == 0;
}

uint64_t RdbReader::le64(const char* what) {
    const uint8_t* p = take(8, what);
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

uint32_t RdbReader::le32(const char* what) {
    const uint8_t* p = take(4, what);
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
           static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

void RdbReader::append_to(std::string& out, uint64_t n, const char* what) {
    while (n > 0) {
        if (pos_ == end_) fill(1, what);
        size_t k = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
        out.append(reinterpret_cast<const char*>(buf_.data() + pos_), k);
        pos_ += k;
        n -= k;
    }
}

void RdbReader::skip(uint64_t n, const char* what) {
    while (n > 0) {
        if (pos_ == end_) fill(1, what);
        size_t k = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
        pos_ += k;
        n -= k;
    }
}

uint64_t RdbReader::checksum() {
    crc_ = crc64(crc_, buf_.data() + crc_mark_, pos_ - crc_mark_);
    crc_mark_ = pos_;
    return crc_;
}

}  // namespace redisops::rdb
