#include "rdb/value.hpp"

#include <fmt/format.h>

#include "rdb/compact.hpp"
#include "rdb/string.hpp"

namespace redisops::rdb {

namespace {

enum : uint8_t {
    kString = 0,
    kList = 1,
    kSet = 2,
    kZset = 3,
    kHash = 4,
    kZset2 = 5,
    kModulePreGa = 6,
    kModule2 = 7,
    kHashZipmap = 9,
    kListZiplist = 10,
    kSetIntset = 11,
    kZsetZiplist = 12,
    kHashZiplist = 13,
    kListQuicklist = 14,
    kStreamListpacks = 15,
    kHashListpack = 16,
    kZsetListpack = 17,
    kListQuicklist2 = 18,
    kStreamListpacks2 = 19,
    kSetListpack = 20,
    kStreamListpacks3 = 21,
};

// The memory estimate (documented in redis-ops-scan-audit(1)): what Redis 7 allocates for the
// structures, before allocator rounding. An object header is 16 bytes, a hash-table entry 24
// plus an 8-byte bucket, an sds string its length plus a 3-byte header and a terminator.
constexpr uint64_t kObject = 16;
constexpr uint64_t kDictEntry = 32;
constexpr uint64_t kSdsOverhead = 4;
constexpr uint64_t kSkiplistNode = 48;  // score, backward pointer, ~1.33 levels of 16 bytes
constexpr uint64_t kQuicklistNode = 32;
constexpr uint64_t kEmbstrLimit = 44;  // strings up to this length share the object's allocation

uint64_t sds_size(uint64_t len) { return len + kSdsOverhead; }

}  // namespace

bool is_value_type(uint8_t t) { return t <= kStreamListpacks3 && t != 8; }

std::string_view ValueReader::blob(const char* what, uint64_t& offset) {
    offset = r_.offset();
    read_string(r_, blob_, scratch_, what);
    return blob_;
}

ValueFacts ValueReader::read(uint8_t type, uint64_t type_offset) {
    ValueFacts f;
    uint64_t at = 0;
    switch (type) {
        case kString: {
            bool integer = false;
            uint64_t len = skip_string(r_, "a string value", &integer);
            f.type = "string";
            f.encoding = integer ? "int" : len <= kEmbstrLimit ? "embstr" : "raw";
            f.elements = len;
            f.est_memory_bytes = kObject + (integer ? 0 : sds_size(len));
            return f;
        }
        case kList:
        case kSet:
        case kHash: {
            uint64_t n = read_len(r_, "an element count");
            uint64_t per = type == kHash ? 2 : 1;
            uint64_t bytes = 0;
            for (uint64_t i = 0; i < n; ++i) {
                for (uint64_t j = 0; j < per; ++j) bytes += sds_size(skip_string(r_, "an element"));
            }
            f.type = type == kList ? "list" : type == kSet ? "set" : "hash";
            f.encoding = type == kList ? "linkedlist" : "hashtable";
            f.elements = n;
            f.est_memory_bytes =
                kObject + bytes + n * (type == kList ? kQuicklistNode : kDictEntry);
            return f;
        }
        case kZset:
        case kZset2: {
            uint64_t n = read_len(r_, "a sorted set's element count");
            uint64_t bytes = 0;
            for (uint64_t i = 0; i < n; ++i) {
                bytes += sds_size(skip_string(r_, "a sorted set member"));
                if (type == kZset2) {
                    r_.skip(8, "a binary score");
                } else {
                    uint8_t len = r_.u8("a score length");
                    if (len < 253) r_.skip(len, "a score");  // 253..255: nan, +inf, -inf
                }
            }
            f.type = "zset";
            f.encoding = "skiplist";
            f.elements = n;
            f.est_memory_bytes = kObject + bytes + n * (kDictEntry + kSkiplistNode);
            return f;
        }
        case kModulePreGa:
            damaged(type_offset,
                    "a module value of Redis 4.0 or later (the 4.0 release-candidate "
                    "format cannot be skipped)");
        case kModule2:
            return module_value();
        case kListQuicklist:
        case kListQuicklist2:
            return quicklist(type == kListQuicklist2);
        case kStreamListpacks:
        case kStreamListpacks2:
        case kStreamListpacks3:
            return stream(type);
        default:
            break;
    }
    std::string_view b = blob("a compact-encoded value", at);
    switch (type) {
        case kHashZipmap:
            f.type = "hash", f.encoding = "zipmap";
            f.elements = zipmap_pairs(blob_of(b, at, "hash zipmap"));
            break;
        case kListZiplist:
            f.type = "list", f.encoding = "ziplist";
            f.elements = ziplist_entries(blob_of(b, at, "list ziplist"));
            break;
        case kSetIntset:
            f.type = "set", f.encoding = "intset";
            f.elements = intset_entries(blob_of(b, at, "set intset"));
            break;
        case kZsetZiplist:
        case kHashZiplist:
        case kHashListpack:
        case kZsetListpack: {
            bool zl = type == kZsetZiplist || type == kHashZiplist;
            uint64_t n = zl ? ziplist_entries(blob_of(b, at, "ziplist"))
                            : listpack_entries(blob_of(b, at, "listpack"));
            if (n % 2) damaged(at, "an even count of entries: member-score or field-value pairs");
            f.type = type == kZsetZiplist || type == kZsetListpack ? "zset" : "hash";
            f.encoding = zl ? "ziplist" : "listpack";
            f.elements = n / 2;
            break;
        }
        case kSetListpack:
            f.type = "set", f.encoding = "listpack";
            f.elements = listpack_entries(blob_of(b, at, "set listpack"));
            break;
        default:
            damaged(type_offset, fmt::format("a value type, not 0x{:02x}", type));
    }
    f.est_memory_bytes = kObject + b.size();
    return f;
}

ValueFacts ValueReader::quicklist(bool v2) {
    uint64_t nodes = read_len(r_, "a quicklist node count");
    ValueFacts f;
    f.type = "list";
    f.encoding = "quicklist";
    uint64_t elements = 0, bytes = 0;
    for (uint64_t i = 0; i < nodes; ++i) {
        uint64_t container = 2;  // v1: every node is a ziplist
        if (v2) {
            uint64_t at = r_.offset();
            container = read_len(r_, "a quicklist node container");
            if (container != 1 && container != 2)
                damaged(at, "a quicklist container of 1 (plain) or 2 (packed)");
        }
        if (container == 1) {
            // A plain node holds one big element: passed over, never loaded.
            bytes += skip_string(r_, "a plain quicklist node");
            ++elements;
            continue;
        }
        uint64_t at = 0;
        std::string_view b = blob("a quicklist node", at);
        uint64_t n = v2 ? listpack_entries(blob_of(b, at, "quicklist listpack node"))
                        : ziplist_entries(blob_of(b, at, "quicklist ziplist node"));
        if (n == 0) damaged(at, "a non-empty quicklist node");
        elements += n;
        bytes += b.size();
    }
    f.elements = elements;
    f.est_memory_bytes = kObject + 40 + bytes + nodes * kQuicklistNode;
    return f;
}

std::string ValueReader::module_name(uint64_t id) {
    static constexpr char kCharset[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string name(9, '?');
    id >>= 10;  // the low 10 bits are the encoding version
    for (size_t i = 9; i-- > 0;) {
        name[i] = kCharset[id & 63];
        id >>= 6;
    }
    return name;
}

void ValueReader::skip_module_opcodes(const char* what) {
    for (;;) {
        uint64_t at = r_.offset();
        uint64_t op = read_len(r_, what);
        switch (op) {
            case 0:  // EOF
                return;
            case 1:  // signed integer
            case 2:  // unsigned integer
                read_len(r_, "a module integer");
                break;
            case 3:
                r_.skip(4, "a module float");
                break;
            case 4:
                r_.skip(8, "a module double");
                break;
            case 5:
                skip_string(r_, "a module string");
                break;
            default:
                damaged(at, fmt::format("a module value opcode 0 to 5 in {}, not {}", what, op));
        }
    }
}

ValueFacts ValueReader::module_value() {
    uint64_t start = r_.offset();
    uint64_t id = read_len(r_, "a module type id");
    module_type_ = "module:" + module_name(id);
    skip_module_opcodes("a module value");
    ValueFacts f;
    f.type = module_type_;
    f.encoding = "module";
    f.est_memory_bytes = kObject + (r_.offset() - start);
    return f;
}

}  // namespace redisops::rdb
