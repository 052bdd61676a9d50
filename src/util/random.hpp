// Tokens and ids from the OS CSPRNG (getrandom), never from a seeded PRNG.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace redisops {

/// n bytes from getrandom(2); throws std::runtime_error if the kernel cannot supply them.
std::string random_bytes(size_t n);
/// n random bytes as lower-case hex (2n characters), the way redis-py writes lock tokens.
std::string random_hex(size_t n);
/// n random bytes as URL-safe base64 without padding.
std::string random_base64url(size_t n);
std::string base64url(std::string_view bytes);
/// The bytes of URL-safe base64 without padding (as base64url writes it); nullopt when `text`
/// is not that encoding.
std::optional<std::string> decode_base64url(std::string_view text);

}  // namespace redisops
