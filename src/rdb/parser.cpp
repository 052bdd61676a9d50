#include "rdb/parser.hpp"

#include <fmt/format.h>

#include <charconv>

#include "rdb/string.hpp"

namespace redisops::rdb {

namespace {

enum : uint8_t {
    kOpFunction2 = 245,
    kOpFunctionPreGa = 246,
    kOpModuleAux = 247,
    kOpIdle = 248,
    kOpFreq = 249,
    kOpAux = 250,
    kOpResizeDb = 251,
    kOpExpireMs = 252,
    kOpExpire = 253,
    kOpSelectDb = 254,
    kOpEof = 255,
};

int read_header(RdbReader& r) {
    const uint8_t* h = r.take(9, "the 9-byte header REDISnnnn");
    if (std::string_view(reinterpret_cast<const char*>(h), 5) != "REDIS")
        damaged(0, "the magic \"REDIS\" (is this an RDB file?)");
    int version = 0;
    for (int i = 5; i < 9; ++i) {
        if (h[i] < '0' || h[i] > '9') damaged(static_cast<uint64_t>(i), "a 4-digit RDB version");
        version = version * 10 + (h[i] - '0');
    }
    if (version > kNewestVersion) {
        throw RdbError(5, fmt::format("RDB version {} is newer than redis-ops reads (versions {} "
                                      "to {}: Redis up to 7.2, Valkey up to 8)",
                                      version, kOldestVersion, kNewestVersion));
    }
    if (version < kOldestVersion) damaged(5, "an RDB version of at least 1");
    return version;
}

class Parser {
  public:
    Parser(ByteSource& src, RdbVisitor& v, size_t chunk)
        : src_(src), r_(src, chunk), v_(v), values_(r_) {}

    RdbSummary run() {
        s_.version = read_header(r_);
        for (;;) {
            uint64_t at = r_.offset();
            uint8_t op = r_.u8("an opcode or a value type");
            if (is_value_type(op)) {
                key(op, at);
                continue;
            }
            switch (op) {
                case kOpEof:
                    finish(at);
                    if (size_t n = src_.trailer_size())
                        src_.check_trailer(r_.take(n, "the end-of-snapshot mark after it"));
                    return s_;
                case kOpSelectDb:
                    db_ = read_len(r_, "a db number");
                    break;
                case kOpResizeDb: {
                    uint64_t keys = read_len(r_, "a db size");
                    uint64_t expires = read_len(r_, "a db's expires size");
                    v_.on_db_size(db_, keys, expires);
                    break;
                }
                case kOpExpireMs:
                    expire_ = static_cast<int64_t>(r_.le64("an expiry time in ms"));
                    break;
                case kOpExpire:
                    expire_ = int64_t{static_cast<int32_t>(r_.le32("an expiry time"))} * 1000;
                    break;
                case kOpIdle:
                    idle_ = read_len(r_, "an idle time");
                    break;
                case kOpFreq:
                    freq_ = r_.u8("an LFU frequency");
                    break;
                case kOpAux:
                    aux();
                    break;
                case kOpModuleAux:
                    module_aux(at);
                    break;
                case kOpFunction2:
                    skip_string(r_, "a function library");
                    ++s_.functions;
                    break;
                case kOpFunctionPreGa:
                    damaged(at,
                            "FUNCTION2 (the 7.0 release-candidate FUNCTION format is not "
                            "supported)");
                default:
                    damaged(at, fmt::format("an opcode or a value type, not 0x{:02x}", op));
            }
        }
    }

  private:
    void key(uint8_t type, uint64_t at) {
        uint64_t key_at = r_.offset();
        read_string(r_, key_, scratch_, "a key");
        if (key_.empty()) damaged(key_at, "a non-empty key");
        RdbKey k;
        k.db = db_;
        k.value = values_.read(type, at);
        k.key = key_;
        k.expire_ms = expire_;
        k.idle_s = idle_;
        k.freq = freq_;
        k.bytes = r_.offset() - at;
        expire_.reset();
        idle_.reset();
        freq_.reset();
        v_.on_key(k);
    }

    void aux() {
        read_string(r_, key_, scratch_, "an AUX field name");
        read_string(r_, aux_value_, scratch_, "an AUX field value");
        if (key_ == "redis-ver" || key_ == "valkey-ver") {
            s_.redis_version = aux_value_;
        } else if (key_ == "ctime") {
            int64_t t = 0;
            auto [p, ec] =
                std::from_chars(aux_value_.data(), aux_value_.data() + aux_value_.size(), t);
            if (ec == std::errc() && p == aux_value_.data() + aux_value_.size()) {
                s_.ctime_s = t;
                v_.on_snapshot_time(t);
            }
        }
    }

    void module_aux(uint64_t at) {
        read_len(r_, "a module type id");
        if (read_len(r_, "a MODULE_AUX when-opcode") != 2)
            damaged(at, "a MODULE_AUX record whose 'when' is an unsigned integer (opcode 2)");
        read_len(r_, "a MODULE_AUX 'when'");
        values_.skip_module_opcodes("a MODULE_AUX record");
        ++s_.module_aux;
    }

    void finish(uint64_t at) {
        s_.bytes = at + 1;
        if (s_.version < 5) return;
        uint64_t computed = r_.checksum();
        uint64_t sum_at = r_.offset();
        uint64_t stored = r_.le64("the 8-byte CRC64 checksum after EOF");
        s_.bytes = sum_at + 8;
        s_.checksum_present = stored != 0;
        if (stored != 0 && stored != computed) {
            damaged(sum_at, fmt::format("the checksum 0x{:016x} of the bytes before it, but "
                                        "the file says 0x{:016x}",
                                        computed, stored));
        }
    }

    ByteSource& src_;
    RdbReader r_;
    RdbVisitor& v_;
    ValueReader values_;
    RdbSummary s_;
    std::string key_, scratch_, aux_value_;
    uint64_t db_ = 0;
    std::optional<int64_t> expire_;
    std::optional<uint64_t> idle_;
    std::optional<uint8_t> freq_;
};

}  // namespace

RdbSummary parse_rdb(ByteSource& src, RdbVisitor& visitor, size_t chunk) {
    return Parser(src, visitor, chunk).run();
}

}  // namespace redisops::rdb
