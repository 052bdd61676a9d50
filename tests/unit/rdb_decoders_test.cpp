// The RDB building blocks on hand-built bytes: CRC64, LZF, lengths, and the compact encodings.
#include <doctest/doctest.h>

#include "rdb/compact.hpp"
#include "rdb/crc64.hpp"
#include "rdb/lzf.hpp"
#include "rdb/string.hpp"
#include "rdb_bytes.hpp"

using namespace redisops::rdb;
using namespace redisops::rdb::test;
using namespace std::string_literals;

namespace {

Blob blob(const std::string& s) { return blob_of(s, 100, "test blob"); }

uint64_t offset_of(auto&& f) {
    try {
        f();
    } catch (const RdbError& e) {
        return e.offset;
    }
    FAIL("no RdbError");
    return 0;
}

}  // namespace

TEST_CASE("crc64 is CRC-64/Jones as Redis computes it") {
    const std::string check = "123456789";
    CHECK(crc64(0, reinterpret_cast<const uint8_t*>(check.data()), check.size()) ==
          0xe9c6d914c4b8d9caULL);
    // Feeding it in pieces (as the reader does across buffer refills) gives the same sum.
    std::string text(1000, 'x');
    for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i * 7);
    auto* p = reinterpret_cast<const uint8_t*>(text.data());
    uint64_t whole = crc64(0, p, text.size());
    CHECK(crc64(crc64(0, p, 333), p + 333, text.size() - 333) == whole);
}

TEST_CASE("lzf decompresses literal runs and overlapping back-references") {
    // "abc" as a literal run, then a back-reference of 6 bytes at distance 3.
    std::string in = std::string(
                         "\x02"
                         "abc",
                         4) +
                     std::string("\x80\x02", 2);
    std::string out;
    CHECK_FALSE(lzf_decompress(reinterpret_cast<const uint8_t*>(in.data()), in.size(), out, 9));
    CHECK(out == "abcabcabc");
}

TEST_CASE("lzf refuses a back-reference before the start and a wrong decompressed size") {
    std::string out;
    std::string early = std::string(
                            "\x00"
                            "a",
                            2) +
                        std::string("\x80\x05", 2);
    auto bad = lzf_decompress(reinterpret_cast<const uint8_t*>(early.data()), early.size(), out, 7);
    REQUIRE(bad);
    CHECK(*bad == 2);
    std::string lit = std::string(
        "\x02"
        "abc",
        4);
    CHECK(lzf_decompress(reinterpret_cast<const uint8_t*>(lit.data()), lit.size(), out, 5));
    // A size no stream of this length could reach is refused before anything is allocated.
    CHECK(lzf_decompress(reinterpret_cast<const uint8_t*>(lit.data()), lit.size(), out,
                         size_t{1} << 40));
}

TEST_CASE("lengths decode in their 6, 14, 32 and 64-bit forms") {
    for (uint64_t n : {uint64_t{5}, uint64_t{300}, uint64_t{70000}, uint64_t{1} << 40}) {
        std::string b = len_bytes(n);
        MemorySource src(reinterpret_cast<const uint8_t*>(b.data()), b.size());
        RdbReader r(src);
        CHECK(read_len(r, "a length") == n);
    }
    std::string bad = "\x82";
    MemorySource src(reinterpret_cast<const uint8_t*>(bad.data()), bad.size());
    RdbReader r(src);
    CHECK(offset_of([&] { read_len(r, "a length"); }) == 0);
}

TEST_CASE("strings read raw, int-encoded and LZF-compressed") {
    std::string b = str_bytes("hello") + std::string("\xc0\x85", 2) +
                    std::string("\xc1\x39\x30", 3) + std::string("\xc2\xff\xff\xff\xff", 5) +
                    "\xc3" + len_bytes(6) + len_bytes(9) +
                    std::string(
                        "\x02"
                        "abc\x80\x02",
                        6);
    MemorySource src(reinterpret_cast<const uint8_t*>(b.data()), b.size());
    RdbReader r(src);
    std::string out, scratch;
    read_string(r, out, scratch, "s");
    CHECK(out == "hello");
    read_string(r, out, scratch, "s");
    CHECK(out == "-123");
    bool integer = false;
    CHECK(skip_string(r, "s", &integer) == 5);  // "12345"
    CHECK(integer);
    CHECK(skip_string(r, "s") == 2);  // "-1"
    read_string(r, out, scratch, "s");
    CHECK(out == "abcabcabc");
    CHECK(r.at_end());
}

TEST_CASE("skipping an LZF string validates it without keeping the output") {
    std::string good = "\xc3" + len_bytes(6) + len_bytes(9) +
                       std::string(
                           "\x02"
                           "abc\x80\x02",
                           6);
    MemorySource ok(reinterpret_cast<const uint8_t*>(good.data()), good.size());
    RdbReader r(ok);
    CHECK(skip_string(r, "s") == 9);
    std::string bad = "\xc3" + len_bytes(6) + len_bytes(9) +
                      std::string(
                          "\x02"
                          "abc\x80\x07",
                          6);
    MemorySource src(reinterpret_cast<const uint8_t*>(bad.data()), bad.size());
    RdbReader r2(src);
    CHECK(offset_of([&] { skip_string(r2, "s"); }) == 7);  // the back-reference's control byte
}

TEST_CASE("a 2^60-byte string length in a tiny input is a truncation, not an allocation") {
    std::string b = len_bytes(uint64_t{1} << 60) + "abc";
    MemorySource src(reinterpret_cast<const uint8_t*>(b.data()), b.size());
    RdbReader r(src);
    std::string out, scratch;
    CHECK(offset_of([&] { read_string(r, out, scratch, "s"); }) == b.size());
    CHECK(out.capacity() < 1024 * 1024);
}

TEST_CASE("listpacks count their entries and refuse headers that lie") {
    std::string lp = listpack({"a", "bb", "ccc"});
    CHECK(listpack_entries(blob(lp)) == 3);
    CHECK(listpack_entries(blob(listpack({"a", "b"}, 65535))) == 2);  // count unknown
    CHECK(listpack_entries(blob(listpack({}))) == 0);
    CHECK_THROWS_AS(listpack_entries(blob(listpack({"a", "b"}, 7))), RdbError);
    std::string total = lp;
    total[0] = static_cast<char>(total[0] + 1);
    CHECK_THROWS_AS(listpack_entries(blob(total)), RdbError);
    std::string backlen = lp;
    backlen[8] = 9;  // the first entry's back-length
    CHECK_THROWS_AS(listpack_entries(blob(backlen)), RdbError);
    std::string long_entry = lp;
    long_entry[6] = static_cast<char>(0x80 | 60);  // a 60-byte string in a 16-byte listpack
    CHECK_THROWS_AS(listpack_entries(blob(long_entry)), RdbError);
    std::string no_end = lp;
    no_end.back() = 0;
    CHECK_THROWS_AS(listpack_entries(blob(no_end)), RdbError);
    std::string bad_enc = lp;
    bad_enc[6] = static_cast<char>(0xf7);
    CHECK_THROWS_AS(listpack_entries(blob(bad_enc)), RdbError);
    CHECK(offset_of([&] { listpack_entries(blob(bad_enc)); }) == 100);  // the blob's offset
}

TEST_CASE("ziplists count their entries and check previous-entry lengths") {
    std::string zl = ziplist({"a", "bb", "ccc"});
    CHECK(ziplist_entries(blob(zl)) == 3);
    CHECK(ziplist_entries(blob(ziplist({}))) == 0);
    std::string prev = zl;
    prev[13] = 7;  // the second entry's previous-entry length
    CHECK_THROWS_AS(ziplist_entries(blob(prev)), RdbError);
    std::string tail = zl;
    tail[4] = 0;
    CHECK_THROWS_AS(ziplist_entries(blob(tail)), RdbError);
    std::string count = zl;
    count[8] = 4;
    CHECK_THROWS_AS(ziplist_entries(blob(count)), RdbError);
}

TEST_CASE("intsets must fill exactly their declared size") {
    CHECK(intset_entries(blob(intset16({1, 2, 3}))) == 3);
    std::string s = intset16({1, 2, 3});
    CHECK_THROWS_AS(intset_entries(blob(s.substr(0, s.size() - 1))), RdbError);
    std::string enc = s;
    enc[0] = 3;
    CHECK_THROWS_AS(intset_entries(blob(enc)), RdbError);
    std::string lie = s;
    lie[4] = static_cast<char>(0xff);  // 255 integers in 6 bytes
    CHECK_THROWS_AS(intset_entries(blob(lie)), RdbError);
}

TEST_CASE("zipmaps count field-value pairs") {
    std::string zm =
        "\x02"
        "\x01"
        "a"
        "\x01\x00"
        "1"
        "\x02"
        "bb"
        "\x03\x01"
        "xyz?"
        "\xff"s;
    CHECK(zipmap_pairs(blob(zm)) == 2);
    CHECK_THROWS_AS(zipmap_pairs(blob(zm.substr(0, zm.size() - 1))), RdbError);
}
