#include <doctest/doctest.h>

#include "lock/redlock.hpp"
#include "redis/errors.hpp"

using namespace redisops;

TEST_CASE("--redlock parses a comma-separated list of URLs, each with its own options") {
    auto list = parse_redlock_urls("redis://a:7001,redis://:pw@b:7002/2,unix:///tmp/r.sock");
    REQUIRE(list.size() == 3);
    CHECK(list[0].address.host == "a");
    CHECK(list[0].address.port == 7001);
    CHECK(list[1].password == "pw");
    CHECK(list[1].db == 2);
    CHECK(list[2].address.unix_path == "/tmp/r.sock");
}

TEST_CASE("--redlock refuses fewer than three masters and empty entries") {
    CHECK_THROWS_AS(parse_redlock_urls("redis://a:1,redis://b:2"), UsageError);
    CHECK_THROWS_AS(parse_redlock_urls("redis://a:1,,redis://b:2,redis://c:3"), UsageError);
    CHECK_THROWS_AS(parse_redlock_urls("redis://a:1,redis://b:2,"), UsageError);
    CHECK_THROWS_AS(parse_redlock_urls(""), UsageError);
}

TEST_CASE("a Redlock quorum is a strict majority") {
    auto three = parse_redlock_urls("redis://a:1,redis://b:2,redis://c:3");
    CHECK(Redlock(three, Millis(50)).quorum() == 2);
    auto five = parse_redlock_urls("redis://a:1,redis://b:2,redis://c:3,redis://d:4,redis://e:5");
    CHECK(Redlock(five, Millis(50)).quorum() == 3);
    three.push_back(three.front());
    CHECK(Redlock(three, Millis(50)).quorum() == 3);  // 4 masters: 3 of them
}
