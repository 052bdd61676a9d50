// Whole snapshots built by hand: what the parser reports per key, and where it says a damaged
// file went wrong.
#include <doctest/doctest.h>

#include <vector>

#include "rdb/parser.hpp"
#include "rdb_bytes.hpp"

using namespace redisops::rdb;
using namespace redisops::rdb::test;
using namespace std::string_literals;

namespace {

struct SeenKey {
    uint64_t db;
    std::string key, type, encoding;
    std::optional<uint64_t> elements;
    std::optional<int64_t> expire_ms;
    uint64_t bytes;
    std::optional<uint64_t> idle_s;
    std::optional<uint8_t> freq;
};

struct Collect : RdbVisitor {
    std::vector<SeenKey> keys;
    std::vector<std::pair<uint64_t, uint64_t>> sizes;
    int64_t ctime = 0;
    void on_key(const RdbKey& k) override {
        keys.push_back({k.db, std::string(k.key), std::string(k.value.type),
                        std::string(k.value.encoding), k.value.elements, k.expire_ms, k.bytes,
                        k.idle_s, k.freq});
    }
    void on_db_size(uint64_t, uint64_t n, uint64_t e) override { sizes.emplace_back(n, e); }
    void on_snapshot_time(int64_t t) override { ctime = t; }
};

RdbSummary parse(const std::string& bytes, Collect& c, size_t chunk = 1 << 20) {
    MemorySource src(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    return parse_rdb(src, c, chunk);
}

/// The offset and message of the error parsing `bytes` throws.
std::pair<uint64_t, std::string> damage_of(const std::string& bytes) {
    Collect c;
    try {
        parse(bytes, c);
    } catch (const RdbError& e) {
        return {e.offset, e.what()};
    }
    FAIL("parsed without error");
    return {};
}

std::string aux(std::string_view k, std::string_view v) {
    return "\xfa"s + str_bytes(k) + str_bytes(v);
}
std::string kv(uint8_t type, std::string_view key, const std::string& value) {
    return std::string(1, static_cast<char>(type)) + str_bytes(key) + value;
}

}  // namespace

TEST_CASE("every key of a hand-built snapshot comes out with its type, count and expiry") {
    std::string body =
        aux("redis-ver", "7.0.15") + aux("ctime", "1700000000") + "\xfe\x00"s + "\xfb\x03\x01"s;
    body += "\xfc"s + le_bytes(1700000123456, 8) + kv(0, "s", str_bytes("hello"));
    body += "\xf8"s + len_bytes(77) + kv(0, "n", "\xc1\x39\x30"s);
    body += "\xf9\x05"s + kv(16, "h", str_bytes(listpack({"f1", "v1", "f2", "v2"})));
    body += "\xfe\x03"s + kv(11, "i", str_bytes(intset16({1, 2, 3, 4})));
    body += kv(18, "l",
               len_bytes(2) + len_bytes(2) + str_bytes(listpack({"a", "b", "c"})) + len_bytes(1) +
                   str_bytes("a-big-plain-element"));
    body += kv(2, "set", len_bytes(2) + str_bytes("x") + str_bytes("y"));
    body += kv(5, "z", len_bytes(1) + str_bytes("m") + le_bytes(0, 8));
    body += kv(3, "z1",
               len_bytes(2) + str_bytes("m") +
                   "\x01"
                   "5"s +
                   str_bytes("n") + "\xfe"s);
    body += kv(13, "hz", str_bytes(ziplist({"f", "v"})));
    body += kv(14, "lz", len_bytes(1) + str_bytes(ziplist({"a", "b"})));
    Collect c;
    RdbSummary s = parse(rdb_file(body), c);
    CHECK(s.version == 10);
    CHECK(s.redis_version == "7.0.15");
    CHECK(s.checksum_present);
    CHECK(c.ctime == 1700000000);
    REQUIRE(c.sizes.size() == 1);
    CHECK(c.sizes[0] == std::pair<uint64_t, uint64_t>{3, 1});
    REQUIRE(c.keys.size() == 10);
    CHECK(c.keys[0].key == "s");
    CHECK(c.keys[0].type == "string");
    CHECK(c.keys[0].elements == 5);
    CHECK(c.keys[0].expire_ms == 1700000123456);
    CHECK(c.keys[0].bytes == 1 + 2 + 6);  // type, key, value
    CHECK(c.keys[1].encoding == "int");
    CHECK(c.keys[1].elements == 5);
    CHECK(c.keys[1].idle_s == 77);
    CHECK_FALSE(c.keys[1].expire_ms);  // an expiry belongs to one key only
    CHECK(c.keys[2].type == "hash");
    CHECK(c.keys[2].elements == 2);
    CHECK(c.keys[2].freq == 5);
    CHECK_FALSE(c.keys[2].idle_s);
    CHECK(c.keys[3].db == 3);
    CHECK(c.keys[3].encoding == "intset");
    CHECK(c.keys[3].elements == 4);
    CHECK(c.keys[4].elements == 4);  // 3 packed + 1 plain
    CHECK(c.keys[5].elements == 2);
    CHECK(c.keys[6].type == "zset");
    CHECK(c.keys[7].elements == 2);
    CHECK(c.keys[8].elements == 1);
    CHECK(c.keys[9].elements == 2);
}

TEST_CASE("a stream with a consumer group and pending entries counts its length") {
    // Master entry (2 live, 0 deleted, field "f", 0), then two entries with the master's fields.
    std::string stream_lp =
        listpack({"2", "0", "1", "f", "0", "2", "0", "0", "a", "4", "2", "0", "1", "b", "4"});
    std::string id(16, '\0');
    std::string v = len_bytes(1) + str_bytes(id) + str_bytes(stream_lp);
    v += len_bytes(2) + len_bytes(5) + len_bytes(1);  // length, last id
    v += len_bytes(0) + len_bytes(1) + len_bytes(0) + len_bytes(0) + len_bytes(2);    // v2 fields
    v += len_bytes(1) + str_bytes("g") + len_bytes(5) + len_bytes(1) + len_bytes(2);  // group
    v += len_bytes(1) + id + le_bytes(0, 8) + len_bytes(1);  // one pending entry
    v += len_bytes(1) + str_bytes("c") + le_bytes(0, 8) + le_bytes(0, 8) + len_bytes(1) + id;
    Collect c;
    parse(rdb_file(kv(21, "x", v), 11), c);
    REQUIRE(c.keys.size() == 1);
    CHECK(c.keys[0].type == "stream");
    CHECK(c.keys[0].elements == 2);

    // A length that disagrees with the listpacks' entries is damage, as is an lp-count that
    // does not fit its entry.
    std::string longer = v;
    longer.replace(longer.find(stream_lp) + stream_lp.size(), 1, len_bytes(3));
    CHECK(damage_of(rdb_file(kv(21, "x", longer), 11)).second.find("stream length") !=
          std::string::npos);
    std::string bad_count = v;
    bad_count[bad_count.find(stream_lp) + stream_lp.size() - 3] = '5';
    CHECK(damage_of(rdb_file(kv(21, "x", bad_count), 11)).second.find("lp-count") !=
          std::string::npos);

    // A consumer owning an entry its group does not list as pending is damage.
    std::string lying = v;
    lying.replace(lying.size() - 17, 1, len_bytes(2));
    CHECK(damage_of(rdb_file(kv(21, "x", lying + id), 11)).second.find("pending") !=
          std::string::npos);
}

TEST_CASE("module values are skipped by their opcodes and named module:<name>") {
    const std::string charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint64_t id = 0;
    for (char ch : std::string("ReJSON-RL")) id = id << 6 | charset.find(ch);
    id = id << 10 | 3;
    std::string v = len_bytes(id) + len_bytes(2) + len_bytes(42) + len_bytes(5) +
                    str_bytes("{\"a\":1}") + len_bytes(4) + le_bytes(0, 8) + len_bytes(0);
    std::string maux = "\xf7"s + len_bytes(id) + len_bytes(2) + len_bytes(2) + len_bytes(0);
    std::string fn =
        "\xf5"s + str_bytes("#!lua name=lib\nredis.register_function('f', function() end)");
    Collect c;
    RdbSummary s = parse(rdb_file(maux + fn + kv(7, "doc", v)), c);
    REQUIRE(c.keys.size() == 1);
    CHECK(c.keys[0].type == "module:ReJSON-RL");
    CHECK_FALSE(c.keys[0].elements);
    CHECK(s.module_aux == 1);
    CHECK(s.functions == 1);
}

TEST_CASE("a file without a checksum (rdbchecksum no) parses; a wrong one is refused") {
    std::string body = kv(0, "k", str_bytes("v"));
    Collect c;
    RdbSummary s = parse(rdb_file(body, 10, false), c);
    CHECK_FALSE(s.checksum_present);
    std::string bad = rdb_file(body);
    bad[bad.size() - 3] ^= 1;
    auto [off, msg] = damage_of(bad);
    CHECK(off == bad.size() - 8);
    CHECK(msg.find("checksum") != std::string::npos);
}

TEST_CASE("small reader chunks give the same result as one big read") {
    std::string body;
    for (int i = 0; i < 200; ++i)
        body +=
            kv(0, "key:" + std::to_string(i), str_bytes(std::string(static_cast<size_t>(i), 'v')));
    Collect a, b;
    parse(rdb_file(body), a);
    parse(rdb_file(body), b, 256);
    REQUIRE(a.keys.size() == 200);
    REQUIRE(b.keys.size() == 200);
    CHECK(b.keys[199].elements == 199);
}

TEST_CASE("damaged snapshots are refused with the offset of the damage") {
    std::string good = rdb_file(kv(0, "k", str_bytes("value")));
    SUBCASE("truncated: the offset where the bytes ran out") {
        for (size_t cut : {size_t{3}, size_t{12}, good.size() - 1}) {
            auto [off, msg] = damage_of(good.substr(0, cut));
            CHECK(off == cut);
            CHECK(msg.find("truncated") != std::string::npos);
        }
    }
    SUBCASE("not an RDB") { CHECK(damage_of("HELLO0010xxxxxxx").first == 0); }
    SUBCASE("a newer version is named, never misread") {
        auto [off, msg] = damage_of(rdb_file("", 12));
        CHECK(msg.find("version 12") != std::string::npos);
    }
    SUBCASE("an unknown opcode or type") {
        auto [off, msg] = damage_of(rdb_file("\xf0"s + str_bytes("k")));
        CHECK(off == 9);
        CHECK(msg.find("0xf0") != std::string::npos);
    }
    SUBCASE("corrupt LZF") {
        std::string v = "\xc3"s + len_bytes(6) + len_bytes(9) +
                        "\x02"
                        "abc\x80\x07"s;
        CHECK(damage_of(rdb_file(kv(0, "k", v))).first == 9 + 3 + 3 + 4);
    }
    SUBCASE("corrupt listpack: the offset of the string holding it") {
        std::string lp = listpack({"a", "b"});
        lp[8] = 9;
        CHECK(damage_of(rdb_file(kv(16, "k", str_bytes(lp)))).first == 9 + 1 + 2);
    }
    SUBCASE("a listpack header that claims 2^32 bytes") {
        std::string lp = listpack({"a", "b"});
        lp[3] = '\x7f';
        CHECK(damage_of(rdb_file(kv(16, "k", str_bytes(lp)))).first == 12);
    }
    SUBCASE("a hostile element count runs into the end of the file, allocating nothing") {
        std::string v = len_bytes(uint64_t{1} << 60) + str_bytes("x");
        auto [off, msg] = damage_of(rdb_file(kv(2, "k", v)));
        CHECK(off < rdb_file(kv(2, "k", v)).size());
        CHECK(msg.find("RDB damaged") != std::string::npos);
    }
    SUBCASE("an LZF string claiming 2^60 bytes") {
        std::string v = "\xc3"s + len_bytes(4) + len_bytes(uint64_t{1} << 60) +
                        "\x02"
                        "abc"s;
        CHECK(damage_of(rdb_file(kv(16, "k", v))).second.find("cannot decompress") !=
              std::string::npos);
    }
    SUBCASE("an empty key") { CHECK(damage_of(rdb_file(kv(0, "", str_bytes("v")))).first == 10); }
}
