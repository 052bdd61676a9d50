#include "session/spring_value.hpp"

#include <doctest/doctest.h>

using namespace redisops;

TEST_CASE("a JDK-serialized Long round-trips through its fixed byte layout") {
    std::string bytes = encode_spring_long(1404360000000LL, "jdk");
    CHECK(bytes.size() == 82);
    CHECK(is_java_serialized(bytes));
    std::string codec;
    CHECK(spring_number(bytes, &codec) == 1404360000000LL);
    CHECK(codec == "jdk");
}

TEST_CASE("a JDK-serialized Integer is read; JSON and text numbers too") {
    std::string jdk_int(
        "\xac\xed\x00\x05sr\x00\x11java.lang.Integer\x12\xe2\xa0\xa4\xf7\x81\x87\x38\x02\x00\x01I"
        "\x00\x05valuexr\x00\x10java.lang.Number\x86\xac\x95\x1d\x0b\x94\xe0\x8b\x02\x00\x00xp"
        "\x00\x00\x07\x08",
        81);
    CHECK(spring_number(jdk_int) == 1800);
    CHECK(spring_number("1800") == 1800);
    CHECK_FALSE(spring_number("\xac\xed\x00\x05garbage"));
    CHECK_FALSE(spring_number("abc"));
}

TEST_CASE("strings are read from JDK TC_STRING, JSON and plain text") {
    CHECK(spring_string(encode_spring_string("alice", "jdk")) == "alice");
    CHECK(spring_string("\"alice\"") == "alice");
    CHECK(spring_string("alice") == "alice");
    CHECK_FALSE(
        spring_string(std::string("\xac\xed\x00\x05t\x00\x09"
                                  "ab",
                                  9)));  // bad length
    auto forms = spring_string_encodings("id1");
    REQUIRE(forms.size() == 3);
    CHECK(forms[0] == "id1");
    CHECK(forms[1] == "\"id1\"");
    CHECK(forms[2] == std::string("\xac\xed\x00\x05t\x00\x03id1", 10));
}

TEST_CASE("JDK-serialized attributes are shown, never deserialized; JSON is decoded") {
    std::string obj("\xac\xed\x00\x05sr\x00\x0bcom.x.Cart\x00\x01", 20);
    auto shown = spring_attribute_json(obj);
    REQUIRE(shown);
    REQUIRE(shown->is_string());
    CHECK(shown->get<std::string>().starts_with("java-serialized, 20 bytes: \""));
    auto json = spring_attribute_json(R"({"items":[1,2],"@class":"x"})");
    REQUIRE(json);
    CHECK((*json)["items"][1] == 2);
    CHECK(json->begin().key() == "items");
    CHECK_FALSE(spring_attribute_json("plain text"));
}
