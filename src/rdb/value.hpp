// One value of a snapshot, read and validated but not kept: its type, encoding, exact element
// count and an estimate of what it occupies in memory once loaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rdb/reader.hpp"

namespace redisops::rdb {

struct ValueFacts {
    std::string_view type;             // "string", "list", …, or "module:<name>"
    std::string_view encoding;         // "listpack", "hashtable", "quicklist", …
    std::optional<uint64_t> elements;  // STRLEN/LLEN/SCARD/ZCARD/HLEN/XLEN; none for modules
    uint64_t est_memory_bytes = 0;
};

/// True for the type bytes of RDB 1..11 that carry a key and a value.
bool is_value_type(uint8_t type);

/// Reads values with reusable buffers, so a value costs no allocation once they have grown.
class ValueReader {
  public:
    explicit ValueReader(RdbReader& r) : r_(r) {}
    ValueFacts read(uint8_t type, uint64_t type_offset);

    /// The module name of a 64-bit module type id (9 characters of a 64-letter alphabet).
    static std::string module_name(uint64_t module_id);
    /// Passes over a module value's annotated opcodes up to their EOF marker.
    void skip_module_opcodes(const char* what);

  private:
    std::string_view blob(const char* what, uint64_t& offset);
    ValueFacts quicklist(bool v2);
    ValueFacts stream(uint8_t type);
    ValueFacts module_value();
    RdbReader& r_;
    std::string blob_;
    std::string scratch_;
    std::string module_type_;
};

}  // namespace redisops::rdb
