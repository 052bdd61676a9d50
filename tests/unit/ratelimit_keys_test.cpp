#include <doctest/doctest.h>

#include "ratelimit/keys.hpp"
#include "ratelimit/rate_limit.hpp"
#include "redis/errors.hpp"
#include "redis/slot.hpp"

using namespace redisops;
using namespace std::chrono_literals;

TEST_CASE("ratelimit keys are ratelimit:{key} plus the algorithm suffix") {
    std::string base = limit_base("ratelimit:", "user:42");
    CHECK(base == "ratelimit:{user:42}");
    CHECK(state_key(base, Algorithm::Sliding) == "ratelimit:{user:42}:sliding");
    CHECK(state_key(base, Algorithm::Gcra) == "ratelimit:{user:42}:gcra");
    CHECK(fixed_window_key(base, 89780618) == "ratelimit:{user:42}:fixed:89780618");
}

TEST_CASE("every key of one limit shares a hash slot, whatever braces the key holds") {
    for (const char* key :
         {"u1", "a{b}c", "{tenant}:api", "a}b", "}x", "{", "}", "{}", "x{}", "ends{"}) {
        for (const char* prefix : {"ratelimit:", "", "rl{}:", "app{"}) {
            CAPTURE(key);
            CAPTURE(prefix);
            std::string base;
            try {
                base = limit_base(prefix, key);
            } catch (const UsageError& e) {
                // Only a key no hashtag can hold is refused, and the message names KEY.
                CHECK(std::string(e.what()).find("KEY") == 0);
                continue;
            }
            int slot = hash_slot(state_key(base, Algorithm::Sliding));
            CHECK(hash_slot(state_key(base, Algorithm::Gcra)) == slot);
            CHECK(hash_slot(fixed_window_key(base, 0)) == slot);
            CHECK(hash_slot(fixed_window_key(base, 123456789)) == slot);
        }
    }
}

TEST_CASE("an empty key is a usage error") {
    CHECK_THROWS_AS(limit_base("ratelimit:", ""), UsageError);
}

TEST_CASE("the fixed window SCAN pattern escapes glob characters of the key") {
    CHECK(fixed_window_pattern("ratelimit:{a*b?[c]\\}") ==
          "ratelimit:{a\\*b\\?\\[c\\]\\\\}:fixed:*");
}

TEST_CASE("algorithms parse by name and an unknown one names the flag") {
    CHECK(parse_algorithm("sliding", "--algorithm") == Algorithm::Sliding);
    CHECK(parse_algorithm("fixed", "--algorithm") == Algorithm::Fixed);
    CHECK(parse_algorithm("gcra", "--algorithm") == Algorithm::Gcra);
    try {
        parse_algorithm("leaky", "--algorithm");
        FAIL("accepted");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("--algorithm") != std::string::npos);
        CHECK(std::string(e.what()).find("leaky") != std::string::npos);
    }
}

TEST_CASE("validate names the flag of a bad limit, window or cost") {
    auto message = [](RateLimit rl) -> std::string {
        try {
            validate(rl);
        } catch (const UsageError& e) {
            return e.what();
        }
        return "";
    };
    RateLimit ok{.key = "k", .limit = 5, .window = 20s};
    CHECK(message(ok).empty());
    RateLimit r = ok;
    r.limit = 0;
    CHECK(message(r).find("--limit") == 0);
    r = ok;
    r.limit = kMaxSlidingLimit + 1;
    CHECK(message(r).find("--limit") == 0);
    r.algorithm = Algorithm::Gcra;
    CHECK(message(r).empty());
    r = ok;
    r.window = 0ms;
    CHECK(message(r).find("--window") == 0);
    r = ok;
    r.window = -5ms;
    CHECK(message(r).find("--window") == 0);
    r = ok;
    r.cost = 0;
    CHECK(message(r).find("--cost") == 0);
    r = ok;
    r.cost = 6;  // above the limit is valid input: "never possible", decided by the script
    CHECK(message(r).empty());
}
