// RDB lengths and strings: 6/14/32/64-bit lengths, and strings stored raw, as integers, or
// LZF-compressed. Strings can be kept (keys, compact encodings) or passed over (values).
#pragma once

#include <cstdint>
#include <string>

#include "rdb/reader.hpp"

namespace redisops::rdb {

struct Length {
    uint64_t value = 0;
    bool encoded = false;  // the 0b11 form: value names a special string encoding
};

Length read_length(RdbReader& r, const char* what);
/// A length that must not be the special-encoding form.
uint64_t read_len(RdbReader& r, const char* what);

/// Reads a string into out (replacing its contents); `scratch` holds compressed bytes.
void read_string(RdbReader& r, std::string& out, std::string& scratch, const char* what);
/// Passes over a string, validating LZF data; returns its decoded length (STRLEN).
/// `integer`, when given, says whether it was stored as an integer.
uint64_t skip_string(RdbReader& r, const char* what, bool* integer = nullptr);

/// Digits of a decimal integer, with its sign: STRLEN of an int-encoded string.
uint64_t decimal_length(int64_t v);

}  // namespace redisops::rdb
