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

constexpr int64_t kEntryDeleted = 1;
constexpr int64_t kEntrySameFields = 2;

/// Checks one stream listpack's layout (master entry, then entries whose lp-count fields
/// agree with their shape) and returns its live entries.
uint64_t stream_entries(const Blob& b) {
    ListpackCursor c(b);
    int64_t count = c.integer("a stream node's entry count");
    int64_t deleted = c.integer("a stream node's deleted count");
    int64_t master_fields = c.integer("a stream node's master field count");
    if (count < 0 || deleted < 0 || master_fields < 0)
        damaged(b.offset, "non-negative stream node counts");
    for (int64_t i = 0; i < master_fields; ++i) c.skip("a master entry field");
    if (c.integer("the master entry's terminating 0") != 0)
        damaged(b.offset, "the master entry's terminating 0 in the stream listpack");
    int64_t seen = 0, live = 0;
    while (!c.at_end()) {
        int64_t flags = c.integer("a stream entry's flags");
        c.integer("a stream entry's id (ms)");
        c.integer("a stream entry's id (seq)");
        int64_t fields = master_fields, pieces = 0;
        if (flags & kEntrySameFields) {
            for (int64_t i = 0; i < fields; ++i) c.skip("a stream entry value");
            pieces = fields + 3;
        } else {
            fields = c.integer("a stream entry's field count");
            if (fields < 0) damaged(b.offset, "a non-negative stream entry field count");
            for (int64_t i = 0; i < 2 * fields; ++i) c.skip("a stream entry field or value");
            pieces = 2 * fields + 4;
        }
        if (c.integer("a stream entry's lp-count") != pieces)
            damaged(b.offset, "a stream entry lp-count matching its fields");
        ++seen;
        if (!(flags & kEntryDeleted)) ++live;
    }
    if (seen != count + deleted || live != count) {
        damaged(b.offset, fmt::format("{} live and {} deleted entries in the stream listpack, "
                                      "as its master entry says (found {} of {})",
                                      count, deleted, live, seen));
    }
    return static_cast<uint64_t>(live);
}

}  // namespace

ValueFacts ValueReader::stream(uint8_t type) {
    uint64_t nodes = read_len(r_, "a stream's listpack count");
    uint64_t bytes = 0, live = 0;
    for (uint64_t i = 0; i < nodes; ++i) {
        uint64_t at = r_.offset();
        read_string(r_, blob_, scratch_, "a stream node's master id");
        if (blob_.size() != kStreamId) damaged(at, "a 16-byte stream id as a node key");
        at = r_.offset();
        read_string(r_, blob_, scratch_, "a stream listpack");
        Blob lp = blob_of(blob_, at, "stream listpack");
        if (listpack_entries(lp) == 0) damaged(at, "a non-empty stream listpack");
        live += stream_entries(lp);
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
    if (length != live) {
        damaged(length_at, fmt::format("a stream length equal to the {} entries of its "
                                       "listpacks, not {}",
                                       live, length));
    }
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
