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

TEST_CASE("a connect-redis session keeps nested values as JSON text and its cookie max age") {
    Session s;
    REQUIRE(decode_json_session(
        R"({"cookie":{"originalMaxAge":86400000,"httpOnly":true,"path":"/"},"passport":{"user":"7"}})",
        s));
    CHECK_FALSE(s.user_id);
    CHECK(s.max_age_ms == 86400000);
    CHECK(field(s, "cookie") == R"({"httpOnly":true,"originalMaxAge":86400000,"path":"/"})");
    CHECK(field(s, "passport") == R"({"user":"7"})");
    REQUIRE(s.fields.size() == 2);
    CHECK(s.fields[0].first == "cookie");  // sorted by name
    CHECK(default_touch_ttl(s).count() == 86400000);
    CHECK(s.json_fields == std::set<std::string>{"cookie", "passport"});
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
