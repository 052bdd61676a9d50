#include "util/pattern.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace redisops;

TEST_CASE("glob_match follows Redis' SCAN MATCH dialect") {
    CHECK(glob_match("*", ""));
    CHECK(glob_match("user:*", "user:1"));
    CHECK_FALSE(glob_match("user:*", "users:1"));
    CHECK(glob_match("h?llo", "hello"));
    CHECK_FALSE(glob_match("h?llo", "hllo"));
    CHECK(glob_match("h[ae]llo", "hallo"));
    CHECK_FALSE(glob_match("h[^e]llo", "hello"));
    CHECK(glob_match("h[a-b]llo", "hbllo"));
    CHECK(glob_match("h[b-a]llo", "hallo"));  // reversed ranges swap, as in Redis
    CHECK(glob_match("a\\*b", "a*b"));
    CHECK_FALSE(glob_match("a\\*b", "axb"));
    CHECK(glob_match("*:*:profile", "user:12:profile"));
    CHECK(glob_match("config:*", "config:"));
    CHECK(glob_match(std::string_view("k\0*", 3), std::string_view("k\0zz", 4)));
    CHECK_FALSE(glob_match("abc", "abcd"));
}

TEST_CASE("glob_match stays linear on patterns that make naive matchers explode") {
    std::string text(5000, 'a');
    CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*b", text));
}

TEST_CASE("group_key replaces id-like segments with *") {
    CHECK(group_key("user:123:profile") == "user:*:profile");
    CHECK(group_key("session:9f3a17c2") == "session:*");
    CHECK(group_key("session:1a2f") == "session:*");
    CHECK(group_key("order:550e8400-e29b-41d4-a716-446655440000:items") == "order:*:items");
    CHECK(group_key("sess:Xk3_9aQmZ2pLr8TnVb4YwE1sDf7GhJ6k") == "sess:*");
    CHECK(group_key("cache:product:42") == "cache:product:*");
    CHECK(group_key("feed:user:7") == "feed:user:*");
    CHECK(group_key("config:feature_flags") == "config:feature_flags");
    CHECK(group_key("order-12345") == "order-*");
    CHECK(group_key("stats:2024-06-01") == "stats:*-*-*");
    CHECK(group_key("img/2023/cat.png") == "img/*/cat.png");
    CHECK(group_key("{user:99}:cart") == "{user:*}:cart");
    CHECK(group_key("GetUserByIdAndName:1") == "GetUserByIdAndName:*");
    CHECK(group_key("user_profile_settings_v2") == "user_profile_settings_v2");
    CHECK(group_key("") == "");
    CHECK(group_key("::") == "::");
}

TEST_CASE("short all-letter hex words stay literal but offer a loose form") {
    KeyShape s = shape_of("session:abc");
    CHECK(s.pattern == "session:abc");
    CHECK(s.loose == "session:*");
    KeyShape feed = shape_of("feed:user:1");
    CHECK(feed.pattern == "feed:user:*");
    CHECK(feed.loose == feed.pattern);               // the first segment is a name, never loosened
    CHECK(shape_of("deadbeef:x").pattern == "*:x");  // 8+ hex chars are an id anywhere
}

TEST_CASE("patterns stay bounded for huge and binary keys") {
    std::string huge = "prefix:" + std::string(1 << 20, 'x');
    std::string p = group_key(huge);
    CHECK(p.size() <= kMaxPatternBytes);
    CHECK(p.back() == '*');
    std::string many_ids;
    for (int i = 0; i < 10000; ++i) many_ids += "a:" + std::to_string(i) + ":";
    CHECK(group_key(many_ids).size() <= kMaxPatternBytes);
    std::string bin("k:\x00\xff\x80:1", 7);
    CHECK(group_key(bin) == std::string("k:\x00\xff\x80:*", 7));
}

TEST_CASE("group_key is idempotent on its own output for random keys") {
    std::mt19937 rng(7);
    const std::string alphabet = "ab01:_-/.xyzAFQ9{}";
    for (int i = 0; i < 2000; ++i) {
        std::string key;
        size_t n = rng() % 40;
        for (size_t j = 0; j < n; ++j) key += alphabet[rng() % alphabet.size()];
        std::string once = group_key(key);
        CHECK(once.size() <= kMaxPatternBytes);
        CHECK(group_key(once) == once);
    }
}
