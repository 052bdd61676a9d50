#include "rdb/lzf.hpp"

#include <fmt/format.h>

#include <cstring>

#include "rdb/reader.hpp"

namespace redisops::rdb {

std::optional<size_t> lzf_decompress(const uint8_t* in, size_t n, std::string& out,
                                     size_t out_len) {
    if (out_len / kLzfMaxRatio > n) return 0;  // no stream this short can say that much
    out.resize(out_len);
    auto* o = reinterpret_cast<uint8_t*>(out.data());
    size_t ip = 0, op = 0;
    while (ip < n) {
        size_t at = ip;
        unsigned ctrl = in[ip++];
        if (ctrl < 32) {
            size_t run = ctrl + 1;
            if (run > n - ip || run > out_len - op) return at;
            std::memcpy(o + op, in + ip, run);
            ip += run;
            op += run;
            continue;
        }
        size_t len = ctrl >> 5;
        if (len == 7) {
            if (ip >= n) return at;
            len += in[ip++];
        }
        if (ip >= n) return at;
        size_t dist = ((ctrl & 0x1f) << 8) + in[ip++] + 1;
        len += 2;
        if (dist > op || len > out_len - op) return at;
        // Overlapping copies repeat the pattern, so they go byte by byte.
        const uint8_t* from = o + op - dist;
        for (size_t i = 0; i < len; ++i) o[op + i] = from[i];
        op += len;
    }
    if (op != out_len) return n;
    return std::nullopt;
}

void lzf_skip(RdbReader& r, uint64_t clen, uint64_t len) {
    const char* what = "LZF-compressed bytes";
    if (len / kLzfMaxRatio > clen) {
        damaged(r.offset(),
                fmt::format("an LZF string of {} bytes cannot decompress to {}", clen, len));
    }
    uint64_t ip = 0, op = 0;
    while (ip < clen) {
        uint64_t at = r.offset();
        unsigned ctrl = r.u8(what);
        ++ip;
        if (ctrl < 32) {
            uint64_t run = ctrl + 1;
            if (run > clen - ip || run > len - op)
                damaged(at, "an LZF literal run within the compressed and decompressed sizes");
            r.skip(run, what);
            ip += run;
            op += run;
            continue;
        }
        uint64_t ref = ctrl >> 5;
        size_t extra = ref == 7 ? 2 : 1;
        if (extra > clen - ip) damaged(at, "an LZF back-reference within the compressed size");
        const uint8_t* p = r.take(extra, what);
        ip += extra;
        if (ref == 7) ref += p[0];
        uint64_t dist = ((ctrl & 0x1fu) << 8) + p[extra - 1] + 1;
        ref += 2;
        if (dist > op || ref > len - op)
            damaged(at, "an LZF back-reference into bytes already decompressed");
        op += ref;
    }
    if (op != len)
        damaged(r.offset(), fmt::format("LZF data decompressing to {} bytes, not {}", len, op));
}

}  // namespace redisops::rdb
