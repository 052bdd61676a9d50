#include <doctest/doctest.h>

#include "redis/errors.hpp"
#include "redis/options.hpp"

using namespace redisops;

TEST_CASE("redis:// URLs carry user, password, host, port and db") {
    auto o = parse_url("redis://alice:s3cret@db.example:6380/2");
    CHECK(o.user == "alice");
    CHECK(o.password == "s3cret");
    CHECK(o.address.host == "db.example");
    CHECK(o.address.port == 6380);
    CHECK(o.db == 2);
    CHECK_FALSE(o.tls.enabled);
}

TEST_CASE("defaults: host 127.0.0.1, port 6379, db 0") {
    auto o = parse_url("redis://");
    CHECK(o.address.host == "127.0.0.1");
    CHECK(o.address.port == 6379);
    CHECK(o.db == 0);
    CHECK_FALSE(o.password);
    auto h = parse_url("redis://localhost");
    CHECK(h.address.host == "localhost");
}

TEST_CASE("a password alone, percent-escaped characters and IPv6") {
    auto o = parse_url("redis://:p%40ss%3Aw@[::1]:7000");
    CHECK(o.user.empty());
    CHECK(o.password == "p@ss:w");
    CHECK(o.address.host == "::1");
    CHECK(o.address.port == 7000);
}

TEST_CASE("rediss:// turns TLS on") {
    auto o = parse_url("rediss://cache.internal:6390/1");
    CHECK(o.tls.enabled);
    CHECK(o.address.port == 6390);
    CHECK(o.db == 1);
}

TEST_CASE("unix:// URLs take a path and an optional db") {
    auto o = parse_url("unix:///run/redis/redis.sock?db=3");
    CHECK(o.address.unix_path == "/run/redis/redis.sock");
    CHECK(o.db == 3);
    auto p = parse_url("unix://user:pw@/tmp/r.sock");
    CHECK(p.address.unix_path == "/tmp/r.sock");
    CHECK(p.password == "pw");
}

TEST_CASE("malformed URLs are usage errors that never echo the password") {
    for (const char* bad :
         {"localhost:6379", "http://x", "redis://host:0", "redis://host:65536", "redis://host:abc",
          "redis://host/x", "redis://host/-1", "unix://relative.sock", "unix:///s?foo=1",
          "redis://[::1", "redis://::1:6379", "redis://u:hunter2@host:99999", "redis://:%zz@h",
          "redis://bad\xffhost:1", "redis://spa ce:1", "redis://a/b@c:1"}) {
        try {
            parse_url(bad);
            FAIL("accepted " << bad);
        } catch (const UsageError& e) {
            CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
        }
    }
}

TEST_CASE("redacted URLs hide the password") {
    auto o = parse_url("redis://alice:hunter2@h:1/3");
    CHECK(o.redacted() == "redis://alice:***@h:1/3");
    CHECK(parse_url("unix:///s.sock?db=2").redacted() == "unix:///s.sock?db=2");
}
