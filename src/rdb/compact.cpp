#include "rdb/compact.hpp"

#include <fmt/format.h>

#include "rdb/error.hpp"

namespace redisops::rdb {

namespace {

uint64_t le(const uint8_t* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    return v;
}

[[noreturn]] void bad(const Blob& b, size_t at, std::string_view expected) {
    damaged(b.offset, fmt::format("{} in the {} (byte {} of {})", expected, b.what, at, b.size));
}

/// Bytes a listpack back-length takes for an entry of `len` bytes.
size_t backlen_size(uint64_t len) {
    if (len <= 127) return 1;
    if (len < 16383) return 2;
    if (len < 2097151) return 3;
    if (len < 268435455) return 4;
    return 5;
}

/// The listpack entry at p: encoding plus data bytes, or 0 when the encoding is invalid.
uint64_t listpack_entry_size(const uint8_t* p, size_t avail) {
    uint8_t e = p[0];
    if ((e & 0x80) == 0) return 1;                   // 7-bit unsigned
    if ((e & 0xc0) == 0x80) return 1 + (e & 0x3fu);  // 6-bit string length
    if ((e & 0xe0) == 0xc0) return 2;                // 13-bit signed
    if ((e & 0xf0) == 0xe0) {                        // 12-bit string length
        if (avail < 2) return 0;
        return 2 + ((e & 0x0fu) << 8 | p[1]);
    }
    switch (e) {
        case 0xf0:
            if (avail < 5) return 0;
            return 5 + le(p + 1, 4);
        case 0xf1:
            return 3;
        case 0xf2:
            return 4;
        case 0xf3:
            return 5;
        case 0xf4:
            return 9;
        default:
            return 0;
    }
}

}  // namespace

uint64_t listpack_entries(const Blob& b) {
    constexpr size_t kHeader = 6;
    if (b.size < kHeader + 1) bad(b, 0, "a 6-byte header and an end byte");
    if (le(b.data, 4) != b.size) bad(b, 0, "a total-bytes header equal to the string's length");
    uint64_t declared = le(b.data + 4, 2);
    const uint8_t* d = b.data;
    size_t p = kHeader, last = b.size - 1;
    uint64_t count = 0;
    while (p < last) {
        uint64_t len = listpack_entry_size(d + p, last - p);
        if (len == 0 || len > last - p) bad(b, p, "a listpack entry within the listpack");
        size_t bl = backlen_size(len);
        if (bl > last - p - len) bad(b, p, "a listpack entry's back-length within the listpack");
        // The back-length is read right to left: 7 bits a byte, high bit set on all but the
        // leftmost byte.
        size_t q = p + static_cast<size_t>(len) + bl - 1;
        uint64_t v = 0;
        for (size_t i = 0; i < bl; ++i) {
            uint8_t c = d[q - i];
            bool more = i + 1 < bl;
            if (((c & 0x80) != 0) != more) bad(b, q - i, "a well-formed back-length");
            v |= static_cast<uint64_t>(c & 0x7f) << (7 * i);
        }
        if (v != len) bad(b, q, "a back-length equal to the entry's length");
        p += static_cast<size_t>(len) + bl;
        ++count;
    }
    if (p != last || d[last] != 0xff) bad(b, last, "the listpack end byte 0xff");
    if (declared != 65535 && declared != count) {
        bad(b, 4, fmt::format("an element count of {} (the header says {})", count, declared));
    }
    return count;
}

void ListpackCursor::skip(const char* what) {
    if (at_end()) bad(b_, pos_, what);
    uint64_t len = listpack_entry_size(b_.data + pos_, b_.size - 1 - pos_);
    pos_ += static_cast<size_t>(len) + backlen_size(len);
}

int64_t ListpackCursor::integer(const char* what) {
    if (at_end()) bad(b_, pos_, what);
    const uint8_t* p = b_.data + pos_;
    uint8_t e = p[0];
    size_t at = pos_;
    skip(what);
    auto sign_extend = [](uint64_t v, unsigned bits) {
        uint64_t m = uint64_t{1} << (bits - 1);
        return static_cast<int64_t>((v ^ m) - m);
    };
    if ((e & 0x80) == 0) return e;
    if ((e & 0xe0) == 0xc0) return sign_extend((e & 0x1fu) << 8 | p[1], 13);
    if (e == 0xf1) return sign_extend(le(p + 1, 2), 16);
    if (e == 0xf2) return sign_extend(le(p + 1, 3), 24);
    if (e == 0xf3) return sign_extend(le(p + 1, 4), 32);
    if (e == 0xf4) return static_cast<int64_t>(le(p + 1, 8));
    // A number that was stored as a string: only short decimal strings qualify.
    if ((e & 0xc0) == 0x80 && (e & 0x3f) > 0 && (e & 0x3f) <= 19) {
        int64_t v = 0;
        size_t n = e & 0x3fu;
        bool neg = p[1] == '-';
        for (size_t i = neg ? 1 : 0; i < n; ++i) {
            if (p[1 + i] < '0' || p[1 + i] > '9') bad(b_, at, what);
            v = v * 10 + (p[1 + i] - '0');
        }
        return neg ? -v : v;
    }
    bad(b_, at, what);
}

uint64_t ziplist_entries(const Blob& b) {
    constexpr size_t kHeader = 10;
    if (b.size < kHeader + 1) bad(b, 0, "a 10-byte header and an end byte");
    if (le(b.data, 4) != b.size) bad(b, 0, "a total-bytes header equal to the string's length");
    uint64_t tail = le(b.data + 4, 4);
    uint64_t declared = le(b.data + 8, 2);
    const uint8_t* d = b.data;
    size_t p = kHeader, last = b.size - 1, prev_size = 0, last_entry = kHeader;
    uint64_t count = 0;
    while (p < last && d[p] != 0xff) {
        size_t start = p;
        size_t prevlen;
        if (d[p] < 254) {
            prevlen = d[p];
            p += 1;
        } else {
            if (last - p < 5) bad(b, p, "a 5-byte previous-entry length");
            prevlen = static_cast<size_t>(le(d + p + 1, 4));
            p += 5;
        }
        if (prevlen != prev_size) bad(b, start, "a previous-entry length equal to the last entry");
        if (p >= last) bad(b, p, "a ziplist entry encoding");
        uint8_t e = d[p];
        uint64_t header = 1, data = 0;
        switch (e >> 6) {
            case 0:
                data = e & 0x3fu;
                break;
            case 1:
                if (last - p < 2) bad(b, p, "a 14-bit string length");
                header = 2;
                data = (e & 0x3fu) << 8 | d[p + 1];
                break;
            case 2:
                if (last - p < 5) bad(b, p, "a 32-bit string length");
                header = 5;
                data = static_cast<uint64_t>(d[p + 1]) << 24 |
                       static_cast<uint64_t>(d[p + 2]) << 16 |
                       static_cast<uint64_t>(d[p + 3]) << 8 | d[p + 4];
                break;
            default:
                if (e == 0xc0)
                    data = 2;
                else if (e == 0xd0)
                    data = 4;
                else if (e == 0xe0)
                    data = 8;
                else if (e == 0xf0)
                    data = 3;
                else if (e == 0xfe)
                    data = 1;
                else if (e >= 0xf1 && e <= 0xfd)
                    data = 0;
                else
                    bad(b, p, fmt::format("a ziplist encoding, not 0x{:02x}", e));
        }
        if (header + data > last - p) bad(b, p, "a ziplist entry within the ziplist");
        p += static_cast<size_t>(header + data);
        prev_size = p - start;
        last_entry = start;
        ++count;
    }
    if (p != last || d[last] != 0xff) bad(b, p, "the ziplist end byte 0xff");
    if (tail != last_entry) bad(b, 4, "a tail offset pointing at the last entry");
    if (declared != 65535 && declared != count) {
        bad(b, 8, fmt::format("an element count of {} (the header says {})", count, declared));
    }
    return count;
}

uint64_t intset_entries(const Blob& b) {
    if (b.size < 8) bad(b, 0, "an 8-byte intset header");
    uint64_t enc = le(b.data, 4), len = le(b.data + 4, 4);
    if (enc != 2 && enc != 4 && enc != 8) bad(b, 0, "an intset encoding of 2, 4 or 8 bytes");
    if ((b.size - 8) / enc != len || (b.size - 8) % enc != 0)
        bad(b, 4, fmt::format("{} integers of {} bytes filling the intset", len, enc));
    return len;
}

uint64_t zipmap_pairs(const Blob& b) {
    const uint8_t* d = b.data;
    size_t p = 1, n = b.size;
    if (n < 2) bad(b, 0, "a zipmap length byte and an end byte");
    auto length = [&](const char* what) -> uint64_t {
        if (p >= n) bad(b, p, what);
        uint8_t c = d[p];
        if (c < 254) {
            p += 1;
            return c;
        }
        if (c == 255 || n - p < 5) bad(b, p, what);
        uint64_t v = le(d + p + 1, 4);
        p += 5;
        return v;
    };
    uint64_t pairs = 0;
    while (p < n && d[p] != 0xff) {
        uint64_t klen = length("a zipmap field length");
        if (klen > n - p) bad(b, p, "a zipmap field within the zipmap");
        p += static_cast<size_t>(klen);
        uint64_t vlen = length("a zipmap value length");
        if (p >= n) bad(b, p, "a zipmap free-space byte");
        uint64_t free_bytes = d[p++];
        if (vlen + free_bytes > n - p) bad(b, p, "a zipmap value within the zipmap");
        p += static_cast<size_t>(vlen + free_bytes);
        ++pairs;
    }
    if (p != n - 1) bad(b, p, "the zipmap end byte 0xff as its last byte");
    return pairs;
}

}  // namespace redisops::rdb
