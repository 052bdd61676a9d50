// Streams (RDB types 15, 19, 21): listpacks keyed by their master entry id, then the
// metadata, then consumer groups with their pending-entries lists. Everything is read and
// checked, nothing kept: the element count is the stream's length (XLEN).
#include <fmt/format.h>

#include "rdb/compact.hpp"
#include "rdb/string.hpp"
#include "rdb/value.hpp"

namespace redisops::rdb {

namespace {

constexpr uint8_t kStreamV2 = 19;
constexpr uint8_t kStreamV3 = 21;
constexpr uint64_t kStreamId = 16;  // two big-endian 64-bit halves
constexpr uint64_t kRaxNode = 32;
constexpr uint64_t kNack = 48;
constexpr uint64_t kGroup = 64;
constexpr uint64_t kConsumer = 64;

}  // namespace

ValueFacts ValueReader::stream(uint8_t type) {
    uint64_t nodes = read_len(r_, "a stream's listpack count");
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < nodes; ++i) {
        uint64_t at = r_.offset();
        read_string(r_, blob_, scratch_, "a stream node's master id");
        if (blob_.size() != kStreamId) damaged(at, "a 16-byte stream id as a node key");
        at = r_.offset();
        read_string(r_, blob_, scratch_, "a stream listpack");
        if (listpack_entries(blob_of(blob_, at, "stream listpack")) == 0)
            damaged(at, "a non-empty stream listpack");
        bytes += blob_.size();
    }
    uint64_t length_at = r_.offset();
    uint64_t length = read_len(r_, "a stream's length");
    read_len(r_, "a stream's last id (ms)");
    read_len(r_, "a stream's last id (seq)");
    if (type >= kStreamV2) {
        read_len(r_, "a stream's first id (ms)");
        read_len(r_, "a stream's first id (seq)");
        read_len(r_, "a stream's max deleted id (ms)");
        read_len(r_, "a stream's max deleted id (seq)");
        read_len(r_, "a stream's entries-added counter");
    }
    if (length > 0 && nodes == 0) damaged(length_at, "stream entries in some listpack");
    uint64_t groups = read_len(r_, "a consumer group count");
    uint64_t pending = 0, consumers_total = 0;
    for (uint64_t g = 0; g < groups; ++g) {
        bytes += skip_string(r_, "a consumer group name");
        read_len(r_, "a group's last-delivered id (ms)");
        read_len(r_, "a group's last-delivered id (seq)");
        if (type >= kStreamV2) read_len(r_, "a group's entries-read counter");
        uint64_t pel_at = r_.offset();
        uint64_t pel = read_len(r_, "a group's pending-entries count");
        for (uint64_t i = 0; i < pel; ++i) {
            r_.skip(kStreamId, "a pending entry id");
            r_.skip(8, "a pending entry's delivery time");
            read_len(r_, "a pending entry's delivery count");
        }
        uint64_t consumers = read_len(r_, "a group's consumer count");
        uint64_t owned = 0;
        for (uint64_t c = 0; c < consumers; ++c) {
            bytes += skip_string(r_, "a consumer name");
            r_.skip(8, "a consumer's seen time");
            if (type >= kStreamV3) r_.skip(8, "a consumer's active time");
            uint64_t mine = read_len(r_, "a consumer's pending count");
            for (uint64_t i = 0; i < mine; ++i) r_.skip(kStreamId, "a consumer's pending id");
            owned += mine;
        }
        // Each pending entry belongs to exactly one consumer of its group.
        if (owned != pel) {
            damaged(pel_at, fmt::format("consumers owning the group's {} pending entries, not {}",
                                        pel, owned));
        }
        pending += pel;
        consumers_total += consumers;
    }
    ValueFacts f;
    f.type = "stream";
    f.encoding = "stream";
    f.elements = length;
    f.est_memory_bytes = 16 + 64 + bytes + nodes * kRaxNode + groups * kGroup + pending * kNack +
                         consumers_total * kConsumer;
    return f;
}

}  // namespace redisops::rdb
