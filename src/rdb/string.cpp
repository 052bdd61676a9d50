#include "rdb/string.hpp"

#include <fmt/format.h>

#include "rdb/lzf.hpp"

namespace redisops::rdb {

namespace {

enum : uint8_t { kEncInt8 = 0, kEncInt16 = 1, kEncInt32 = 2, kEncLzf = 3 };

uint64_t be_bytes(const uint8_t* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
    return v;
}

int64_t read_int(RdbReader& r, uint64_t enc, uint64_t at, const char* what) {
    switch (enc) {
        case kEncInt8:
            return static_cast<int8_t>(r.u8(what));
        case kEncInt16: {
            const uint8_t* p = r.take(2, what);
            return static_cast<int16_t>(static_cast<uint16_t>(p[0] | p[1] << 8));
        }
        case kEncInt32:
            return static_cast<int32_t>(r.le32(what));
        default:
            damaged(at, fmt::format("a string encoding 0 to 3 for {}, not {}", what, enc));
    }
}

}  // namespace

Length read_length(RdbReader& r, const char* what) {
    uint8_t b = r.u8(what);
    switch (b >> 6) {
        case 0:
            return {static_cast<uint64_t>(b & 0x3f), false};
        case 1:
            return {static_cast<uint64_t>(b & 0x3f) << 8 | r.u8(what), false};
        case 2:
            if (b == 0x80) return {be_bytes(r.take(4, what), 4), false};
            if (b == 0x81) return {be_bytes(r.take(8, what), 8), false};
            damaged(r.offset() - 1,
                    fmt::format("a length for {} (0x80 or 0x81), not 0x{:02x}", what, b));
        default:
            return {static_cast<uint64_t>(b & 0x3f), true};
    }
}

uint64_t read_len(RdbReader& r, const char* what) {
    uint64_t at = r.offset();
    Length l = read_length(r, what);
    if (l.encoded) damaged(at, fmt::format("a plain length for {}", what));
    return l.value;
}

uint64_t decimal_length(int64_t v) {
    uint64_t n = v < 0 ? 2 : 1;
    uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    while (u >= 10) {
        u /= 10;
        ++n;
    }
    return n;
}

void read_string(RdbReader& r, std::string& out, std::string& scratch, const char* what) {
    uint64_t at = r.offset();
    Length l = read_length(r, what);
    out.clear();
    if (!l.encoded) {
        r.append_to(out, l.value, what);
        return;
    }
    if (l.value != kEncLzf) {
        out = std::to_string(read_int(r, l.value, at, what));
        return;
    }
    uint64_t clen = read_len(r, what);
    uint64_t len = read_len(r, what);
    uint64_t data_at = r.offset();
    scratch.clear();
    r.append_to(scratch, clen, what);
    if (len / kLzfMaxRatio > clen) {
        damaged(data_at,
                fmt::format("an LZF string of {} bytes cannot decompress to {}", clen, len));
    }
    auto bad = lzf_decompress(reinterpret_cast<const uint8_t*>(scratch.data()), scratch.size(), out,
                              static_cast<size_t>(len));
    if (bad) {
        damaged(data_at + *bad,
                fmt::format("valid LZF data decompressing to {} bytes for {}", len, what));
    }
}

uint64_t skip_string(RdbReader& r, const char* what, bool* integer) {
    uint64_t at = r.offset();
    Length l = read_length(r, what);
    if (!l.encoded) {
        r.skip(l.value, what);
        return l.value;
    }
    if (l.value != kEncLzf) {
        if (integer) *integer = true;
        return decimal_length(read_int(r, l.value, at, what));
    }
    uint64_t clen = read_len(r, what);
    uint64_t len = read_len(r, what);
    lzf_skip(r, clen, len);
    return len;
}

}  // namespace redisops::rdb
