#include "session/session_record.hpp"

#include <doctest/doctest.h>

#include <set>

#include "session/session_store.hpp"

using namespace redisops;

namespace {

std::string field(const Session& s, const std::string& name) {
    for (const auto& [n, v] : s.fields) {
        if (n == name) return v;
    }
    return "<absent>";
}

}  // namespace

TEST_CASE("a JSON session yields user_id, created_at and the other keys as fields") {
    Session s;
    REQUIRE(decode_json_session(R"({"user_id":42,"created_at":1700000000,"ip":"1.2.3.4"})", s));
    CHECK(s.user_id == "42");
    CHECK(s.created_at == 1700000000);
    CHECK(field(s, "ip") == "1.2.3.4");
    CHECK(field(s, "user_id") == "<absent>");
}

TEST_CASE("a connect-redis session keeps nested values nested, in stored order, and its max age") {
    Session s;
    REQUIRE(decode_json_session(
        R"({"passport":{"user":"7"},"cookie":{"originalMaxAge":86400000,"httpOnly":true,"path":"/"}})",
        s, LayoutKind::Auto));
    CHECK(s.layout == LayoutKind::ConnectRedis);
    CHECK(s.user_id == "7");  // at the default --user-field passport.user
    CHECK(s.max_age_ms == 86400000);
    CHECK(field(s, "cookie") == R"({"originalMaxAge":86400000,"httpOnly":true,"path":"/"})");
    REQUIRE(s.fields.size() == 2);
    CHECK(s.fields[0].first == "passport");  // stored order
    CHECK(default_touch_ttl(s).count() == 86400000);
    REQUIRE(s.json_values.count("cookie") == 1);
    CHECK(s.json_values.at("cookie").begin().key() == "originalMaxAge");
}

TEST_CASE("the user field is a dot path; numbers match as their JSON text") {
    Session s;
    REQUIRE(decode_json_session(R"({"cookie":{},"auth":{"account":{"id":42}}})", s,
                                LayoutKind::ConnectRedis, "auth.account.id"));
    CHECK(s.user_id == "42");
    Session t;
    REQUIRE(decode_json_session(R"({"cookie":{},"passport":{}})", t, LayoutKind::ConnectRedis));
    CHECK_FALSE(t.user_id);
}

TEST_CASE("auto reads a JSON string without a cookie as the redis-ops JSON layout") {
    Session s;
    REQUIRE(decode_json_session(R"({"user_id":"9","cart":[1]})", s, LayoutKind::Auto));
    CHECK(s.layout == LayoutKind::RedisOps);
    CHECK(s.user_id == "9");
}

TEST_CASE("a string that is not a JSON object is not a session") {
    Session s;
    CHECK_FALSE(decode_json_session("not json", s));
    CHECK_FALSE(decode_json_session("[1,2]", s));
    CHECK_FALSE(decode_json_session("\"str\"", s));
    CHECK_FALSE(decode_json_session("{\"a\":\"\xff\"}", s));
}

TEST_CASE("touch falls back to 24h when the session does not know its max age") {
    Session s;
    CHECK(default_touch_ttl(s) == kDefaultSessionTtl);
    s.max_age_ms = 5000;
    CHECK(default_touch_ttl(s).count() == 5000);
}

TEST_CASE("a number too large for 64 bits is not an integer: kept as a field, never wrapped") {
    // fuzz_session_value found the float: casting 4.4e34 to long long is undefined behaviour.
    for (std::string big : {"44444444444444444444444443709551615", "4.4e34", "1e308",
                            "18446744073709551615", "-9.3e18"}) {
        CAPTURE(big);
        Session s;
        REQUIRE(decode_json_session(R"({"user_id":"u0","created_at":)" + big + "}", s));
        CHECK_FALSE(s.created_at);
        CHECK(field(s, "created_at") != "<absent>");
    }
    Session edge;
    REQUIRE(decode_json_session(R"({"created_at":9223372036854775807,"max_age_ms":1.5e3})", edge));
    CHECK(edge.created_at == 9223372036854775807LL);
    CHECK(edge.max_age_ms == 1500);
}
