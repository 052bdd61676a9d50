// Binary-safe text: redis-cli style quoting and JSON strings for arbitrary bytes.
#pragma once

#include <string>
#include <string_view>

namespace redisops {

/// "…" with \n, \r, \t, \a, \b, \", \\ and \xHH escapes, as redis-cli prints (sdscatrepr).
std::string quote_repr(std::string_view bytes);
/// The bytes as they are when printable UTF-8 without spaces or quotes; quote_repr otherwise.
std::string quote_if_needed(std::string_view bytes);
/// A user-supplied value for an error message: quoted when it holds odd bytes, and cut to
/// `max` bytes with "…" so a huge argument is not echoed back whole.
std::string clip_for_message(std::string_view value, size_t max = 64);
/// True when the bytes are valid UTF-8.
bool is_valid_utf8(std::string_view bytes);
/// A string nlohmann::json can hold: valid UTF-8 unchanged; otherwise every byte that is not
/// part of a valid sequence becomes the code point of the same value (U+0080..U+00FF).
std::string to_json_text(std::string_view bytes);

}  // namespace redisops
