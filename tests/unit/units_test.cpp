#include "util/units.hpp"

#include <doctest/doctest.h>

#include "util/errors.hpp"

using namespace redisops;
using std::chrono::milliseconds;

TEST_CASE("durations accept every documented unit and a bare number of seconds") {
    CHECK(parse_duration("250ms", "--ttl") == milliseconds(250));
    CHECK(parse_duration("30s", "--ttl") == milliseconds(30'000));
    CHECK(parse_duration("5m", "--ttl") == milliseconds(300'000));
    CHECK(parse_duration("2h", "--ttl") == milliseconds(7'200'000));
    CHECK(parse_duration("7d", "--ttl") == milliseconds(604'800'000));
    CHECK(parse_duration("12", "--ttl") == milliseconds(12'000));
    CHECK(parse_duration("1.5s", "--ttl") == milliseconds(1'500));
    CHECK(parse_duration("0", "--wait") == milliseconds(0));
}

TEST_CASE("a bad duration names the flag and the value") {
    for (const char* bad : {"", "-5s", "abc", "5x", "1.", ".5", "5 s", "1e3", "99999999999d"}) {
        try {
            parse_duration(bad, "--ttl");
            FAIL("accepted " << bad);
        } catch (const UsageError& e) {
            CHECK(std::string(e.what()).find("--ttl") != std::string::npos);
        }
    }
}

TEST_CASE("sizes are powers of 1024") {
    CHECK(parse_size("512", "--big-bytes") == 512);
    CHECK(parse_size("100kb", "--big-bytes") == 102'400);
    CHECK(parse_size("1mb", "--big-bytes") == 1'048'576);
    CHECK(parse_size("1MB", "--big-bytes") == 1'048'576);
    CHECK_THROWS_AS(parse_size("1tb", "--big-bytes"), UsageError);
    CHECK_THROWS_AS(parse_size("-1", "--big-bytes"), UsageError);
}

TEST_CASE("counts are range-checked") {
    CHECK(parse_count("10", "--top", 1, 100) == 10);
    CHECK_THROWS_AS(parse_count("0", "--top", 1, 100), UsageError);
    CHECK_THROWS_AS(parse_count("10x", "--top", 1, 100), UsageError);
    CHECK_THROWS_AS(parse_count("99999999999999999999", "--top", 1, 100), UsageError);
}

TEST_CASE("durations and sizes format for people") {
    CHECK(format_duration(milliseconds(250)) == "250ms");
    CHECK(format_duration(milliseconds(1500)) == "1.5s");
    CHECK(format_duration(milliseconds(200'000)) == "3m20s");
    CHECK(format_duration(milliseconds(7'200'000)) == "2h");
    CHECK(format_size(512) == "512 B");
    CHECK(format_size(1536) == "1.5 KiB");
}

TEST_CASE("a zero duration where one must be above zero is a usage error naming the flag") {
    CHECK_NOTHROW(require_positive(milliseconds(1), "--ttl"));
    CHECK_THROWS_WITH_AS(require_positive(milliseconds(0), "--ttl"), "--ttl: must be above zero",
                         UsageError);
    CHECK_THROWS_WITH_AS(require_positive(milliseconds(-5), "--window"),
                         "--window: must be above zero", UsageError);
    CHECK(parse_positive_duration("250ms", "--timeout") == milliseconds(250));
    CHECK_THROWS_WITH_AS(parse_positive_duration("0s", "--timeout"),
                         "--timeout: must be above zero", UsageError);
    // A bad value is still reported as a bad duration, not as zero.
    CHECK_THROWS_WITH_AS(parse_positive_duration("5x", "--timeout"),
                         doctest::Contains("invalid duration"), UsageError);
}
