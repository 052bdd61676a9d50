// The undo log's line format: every key round-trips, binary ones through key_b64.
#include "expire/undo_log.hpp"

#include <doctest/doctest.h>

#include "util/errors.hpp"
#include "util/random.hpp"

using namespace redisops;

TEST_CASE("an undo line round-trips any key, binary keys through key_b64") {
    for (std::string key : {std::string("feed:user:42"), std::string("caf\xc3\xa9 key"),
                            std::string("bin\xff\x00\xfe", 6), std::string("")}) {
        UndoRecord r{key, "127.0.0.1:6379", 1500, 1767225601500, 1767225600000};
        std::string line = undo_line(r);
        REQUIRE(line.back() == '\n');
        CHECK(line.find('\n') == line.size() - 1);
        UndoRecord back = parse_undo_line(std::string_view(line).substr(0, line.size() - 1));
        CHECK(back.key == key);
        CHECK(back.node == r.node);
        CHECK(back.old_pttl_ms == 1500);
        CHECK(back.old_expire_at_ms == 1767225601500);
        CHECK(back.new_expire_at_ms == 1767225600000);
        CHECK((line.find("key_b64") != std::string::npos) ==
              (key == std::string("bin\xff\x00\xfe", 6)));
    }
}

TEST_CASE("a damaged undo line is refused with what is wrong") {
    for (const char* bad : {"", "{", "[1,2]", "{\"key\":\"k\"}",
                            "{\"key\":\"k\",\"old_pttl_ms\":-1,\"old_expire_at_ms\":-1}",
                            "{\"key\":\"k\",\"old_pttl_ms\":5,\"old_expire_at_ms\":-1,"
                            "\"new_expire_at_ms\":9}",
                            "{\"key\":\"k\",\"old_pttl_ms\":-1,\"old_expire_at_ms\":-1,"
                            "\"new_expire_at_ms\":\"9\"}",
                            "{\"key_b64\":\"***\",\"old_pttl_ms\":-1,\"old_expire_at_ms\":-1,"
                            "\"new_expire_at_ms\":9}"}) {
        CHECK_THROWS_AS(parse_undo_line(bad), UsageError);
    }
}

TEST_CASE("decode_base64url inverts base64url and refuses other text") {
    for (std::string s : {std::string(""), std::string("a"), std::string("ab"), std::string("abc"),
                          std::string("\xff\x00\x01\x02", 4)}) {
        CHECK(decode_base64url(base64url(s)) == s);
    }
    CHECK_FALSE(decode_base64url("a"));
    CHECK_FALSE(decode_base64url("ab+c"));
    CHECK_FALSE(decode_base64url("ab="));
    CHECK_FALSE(decode_base64url("QR"));  // stray bits set in the last sextet
}
