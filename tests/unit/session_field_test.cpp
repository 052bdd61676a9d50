#include "session/session_field.hpp"

#include <doctest/doctest.h>

#include "redis/errors.hpp"
#include "session/session_store.hpp"

using namespace redisops;

TEST_CASE("--field splits at the first '=' and keeps the rest of the value") {
    auto f = parse_field("note=a=b");
    CHECK(f.name == "note");
    CHECK(f.value == "a=b");
    CHECK(parse_field("empty=").value.empty());
    CHECK(parse_field("ip=10.0.0.1").value == "10.0.0.1");
    CHECK(parse_field("bin=\xff\xfe").value == "\xff\xfe");
}

TEST_CASE("--field without '=', with an empty name or a reserved name is a usage error") {
    CHECK_THROWS_AS(parse_field("novalue"), UsageError);
    CHECK_THROWS_AS(parse_field(""), UsageError);
    CHECK_THROWS_AS(parse_field("=v"), UsageError);
    CHECK_THROWS_AS(parse_field("a\nb=v"), UsageError);
    CHECK_THROWS_AS(parse_field("user_id=42"), UsageError);
    CHECK_THROWS_AS(parse_field("created_at=1"), UsageError);
    CHECK_THROWS_AS(parse_field("max_age_ms=1"), UsageError);
    try {
        parse_field("novalue");
        FAIL("no throw");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("--field") != std::string::npos);
    }
}

TEST_CASE("ids must be non-empty and free of control characters") {
    CHECK_NOTHROW(check_identifier("abc-_XYZ09", "session id"));
    CHECK_NOTHROW(check_identifier("caf\xc3\xa9 42", "--user-id"));
    CHECK_THROWS_AS(check_identifier("", "--user-id"), UsageError);
    CHECK_THROWS_AS(check_identifier("a\x01"
                                     "b",
                                     "session id"),
                    UsageError);
    CHECK_THROWS_AS(check_identifier("a\x7f", "session id"), UsageError);
    CHECK_THROWS_AS(check_identifier("line\n", "session id"), UsageError);
}

TEST_CASE("new session ids are 43 URL-safe characters that never look like a flag") {
    for (int i = 0; i < 500; ++i) {
        std::string id = new_session_id();
        REQUIRE(id.size() == 43);
        CHECK(id.front() != '-');
        CHECK(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_") == std::string::npos);
    }
}
