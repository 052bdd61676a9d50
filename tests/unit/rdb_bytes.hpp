// Hand-built RDB bytes for the parser's unit tests: lengths, strings, the compact encodings,
// and a whole file with its CRC64.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rdb/crc64.hpp"

namespace redisops::rdb::test {

inline std::string len_bytes(uint64_t n) {
    std::string s;
    if (n < 64) {
        s += static_cast<char>(n);
    } else if (n < 16384) {
        s += static_cast<char>(0x40 | (n >> 8));
        s += static_cast<char>(n & 0xff);
    } else if (n <= 0xffffffffULL) {
        s += static_cast<char>(0x80);
        for (int i = 3; i >= 0; --i) s += static_cast<char>((n >> (8 * i)) & 0xff);
    } else {
        s += static_cast<char>(0x81);
        for (int i = 7; i >= 0; --i) s += static_cast<char>((n >> (8 * i)) & 0xff);
    }
    return s;
}

inline std::string str_bytes(std::string_view v) { return len_bytes(v.size()) + std::string(v); }

inline std::string le_bytes(uint64_t v, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

/// A listpack of short strings (6-bit string encoding, 1-byte back-lengths).
inline std::string listpack(const std::vector<std::string>& entries, int count = -1) {
    std::string body;
    for (const auto& e : entries) {
        body += static_cast<char>(0x80 | e.size());
        body += e;
        body += static_cast<char>(1 + e.size());
    }
    uint64_t total = 6 + body.size() + 1;
    uint64_t n = count < 0 ? entries.size() : static_cast<uint64_t>(count);
    return le_bytes(total, 4) + le_bytes(n, 2) + body + "\xff";
}

/// A ziplist of short strings.
inline std::string ziplist(const std::vector<std::string>& entries) {
    std::string body;
    size_t prev = 0, tail = 10;
    for (const auto& e : entries) {
        tail = 10 + body.size();
        std::string entry;
        entry += static_cast<char>(prev);
        entry += static_cast<char>(e.size());
        entry += e;
        prev = entry.size();
        body += entry;
    }
    uint64_t total = 10 + body.size() + 1;
    return le_bytes(total, 4) + le_bytes(tail, 4) + le_bytes(entries.size(), 2) + body + "\xff";
}

inline std::string intset16(const std::vector<int16_t>& values) {
    std::string s = le_bytes(2, 4) + le_bytes(values.size(), 4);
    for (int16_t v : values) s += le_bytes(static_cast<uint16_t>(v), 2);
    return s;
}

/// "REDIS00NN" + body + EOF + CRC64 (or 8 zero bytes without a checksum).
inline std::string rdb_file(std::string_view body, int version = 10, bool checksum = true) {
    std::string s = "REDIS00" + std::to_string(version / 10) + std::to_string(version % 10);
    s += body;
    s += "\xff";
    uint64_t crc = checksum ? crc64(0, reinterpret_cast<const uint8_t*>(s.data()), s.size()) : 0;
    return s + le_bytes(crc, 8);
}

}  // namespace redisops::rdb::test
