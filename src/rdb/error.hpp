// A damaged or unsupported snapshot: a usage error (exit 2) whose message names the byte
// offset and what the parser expected there.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "redis/errors.hpp"

namespace redisops::rdb {

struct RdbError : UsageError {
    RdbError(uint64_t at, const std::string& message) : UsageError(message), offset(at) {}
    uint64_t offset;
};

/// Throws RdbError("RDB damaged at offset N: expected …").
[[noreturn]] void damaged(uint64_t offset, std::string_view expected);

}  // namespace redisops::rdb
