// The compact encodings Redis serializes as one string: listpack, ziplist, intset, zipmap.
// Each decoder walks every entry within the blob's bounds, checks the headers agree with what
// it found, and returns the entry count; a lie throws RdbError at the blob's file offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace redisops::rdb {

struct Blob {
    const uint8_t* data;
    size_t size;
    uint64_t offset;   // where the string holding it starts in the snapshot
    const char* what;  // "hash listpack", … for messages
};

inline Blob blob_of(std::string_view s, uint64_t offset, const char* what) {
    return Blob{reinterpret_cast<const uint8_t*>(s.data()), s.size(), offset, what};
}

uint64_t listpack_entries(const Blob& b);

/// Walks the entries of a listpack that listpack_entries() accepted.
class ListpackCursor {
  public:
    explicit ListpackCursor(const Blob& b) : b_(b) {}
    bool at_end() const { return pos_ + 1 >= b_.size; }
    /// The next entry as an integer (a string of decimal digits counts); throws RdbError
    /// naming `what` when it is missing or not a number.
    int64_t integer(const char* what);
    /// Passes over the next entry, whatever it holds.
    void skip(const char* what);

  private:
    const Blob& b_;
    size_t pos_ = 6;
};
uint64_t ziplist_entries(const Blob& b);
uint64_t intset_entries(const Blob& b);
/// Field-value pairs of a zipmap (Redis < 2.6 small hashes).
uint64_t zipmap_pairs(const Blob& b);

}  // namespace redisops::rdb
