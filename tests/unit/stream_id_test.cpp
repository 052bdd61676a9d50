#include "stream/stream_id.hpp"

#include <doctest/doctest.h>

#include "redis/errors.hpp"

using namespace redisops;

TEST_CASE("stream ids parse, print and step across the sequence boundary") {
    CHECK(StreamId::parse("1700000000000-5", "--from").str() == "1700000000000-5");
    CHECK(StreamId::parse("42", "--from") == StreamId{42, 0});
    CHECK((StreamId{5, 0}.prev() == StreamId{4, UINT64_MAX}));
    CHECK((StreamId{4, UINT64_MAX}.next() == StreamId{5, 0}));
    CHECK(StreamId{}.prev().is_zero());
    CHECK(StreamId{1, 2} < StreamId{2, 0});
}

TEST_CASE("malformed stream ids are usage errors") {
    for (const char* bad :
         {"", "-", "1-", "-1", "a-1", "1-2-3", "1 -2", "99999999999999999999999"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(StreamId::parse(bad, "--from"), UsageError);
    }
}

TEST_CASE("--from accepts 0, $, ids, -N and @TIME") {
    using K = FromSpec::Kind;
    CHECK(FromSpec::parse("0").kind == K::Beginning);
    CHECK(FromSpec::parse("$").kind == K::New);
    CHECK(FromSpec::parse("-25").n == 25);
    CHECK(FromSpec::parse("1-1").id == StreamId{1, 1});
    auto ago = FromSpec::parse("@-5m");
    CHECK(ago.kind == K::TimeAgo);
    CHECK(ago.time_ms == 300000);
    auto at = FromSpec::parse("@2026-11-25T10:00:00Z");
    CHECK(at.kind == K::Time);
    CHECK(at.time_ms == 1795600800000ULL);
    for (const char* bad : {"", "-0", "-x", "@", "@yesterday", "@-5y", "@2026-13-01T00:00:00Z",
                            "@2026-02-30T00:00:00Z", "@2026-11-25T10:00:00", "x"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(FromSpec::parse(bad), UsageError);
    }
}

TEST_CASE("RFC 3339 times honour fractions and offsets") {
    CHECK(parse_rfc3339_ms("1970-01-01T00:00:00Z") == 0u);
    CHECK(parse_rfc3339_ms("1970-01-01T00:00:01.25Z") == 1250u);
    CHECK(parse_rfc3339_ms("1970-01-01T01:00:00+01:00") == 0u);
    CHECK(parse_rfc3339_ms("2024-02-29T00:00:00Z").has_value());
    CHECK_FALSE(parse_rfc3339_ms("2023-02-29T00:00:00Z").has_value());
    CHECK_FALSE(parse_rfc3339_ms("1970-01-01T00:00:00Zjunk").has_value());
}
