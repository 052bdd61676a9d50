// CRC-64/Jones (reflected, polynomial 0xad93d23594c935a9, init 0, no final xor): the checksum
// Redis appends to an RDB after its EOF opcode.
#pragma once

#include <cstddef>
#include <cstdint>

namespace redisops::rdb {

/// Continues `crc` over `len` bytes; crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.
uint64_t crc64(uint64_t crc, const uint8_t* data, size_t len);

}  // namespace redisops::rdb
