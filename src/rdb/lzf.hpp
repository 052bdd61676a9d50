// LZF, the compression Redis applies to strings in an RDB (rdbcompression yes). Our own
// decoder, written from the format: a control byte below 32 starts a literal run of ctrl+1
// bytes; otherwise its top 3 bits (7: plus the next byte) give a back-reference length - 2
// and its low 5 bits with the next byte the distance - 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace redisops::rdb {

class RdbReader;

/// The most output one input byte can yield (a 3-byte back-reference copies 264 bytes).
inline constexpr uint64_t kLzfMaxRatio = 88;

/// Decompresses in[0, n) into out, which ends up exactly out_len bytes long. Returns the input
/// position where the data stops making sense, or nullopt when it decoded to out_len bytes.
std::optional<size_t> lzf_decompress(const uint8_t* in, size_t n, std::string& out, size_t out_len);

/// Checks `clen` compressed bytes from the reader decode to exactly `len` bytes, without
/// keeping any output (a back-reference is valid if it points into what came before).
/// Throws RdbError with the offset of the bad control byte.
void lzf_skip(RdbReader& r, uint64_t clen, uint64_t len);

}  // namespace redisops::rdb
