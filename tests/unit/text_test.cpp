#include "util/text.hpp"

#include <doctest/doctest.h>

#include <set>

#include "util/random.hpp"

using namespace redisops;

TEST_CASE("plain keys print as they are; others are quoted the way redis-cli does") {
    CHECK(quote_if_needed("user:1:profile") == "user:1:profile");
    CHECK(quote_if_needed("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(quote_if_needed("a b") == "\"a b\"");
    CHECK(quote_if_needed("line\nbreak") == "\"line\\nbreak\"");
    CHECK(quote_if_needed(std::string("nul\0x", 5)) == "\"nul\\x00x\"");
    CHECK(quote_if_needed("\xff") == "\"\\xff\"");
    CHECK(quote_if_needed("") == "\"\"");
    CHECK(quote_repr("q\"\\") == "\"q\\\"\\\\\"");
}

TEST_CASE("JSON text keeps valid UTF-8 and maps stray bytes to code points") {
    CHECK(to_json_text("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(to_json_text("a\xff") == "a\xc3\xbf");
    CHECK(is_valid_utf8(to_json_text("\xc3\x28\xed\xa0\x80")));
}

TEST_CASE("tokens come from the CSPRNG with the documented length and never repeat") {
    CHECK(random_hex(16).size() == 32);
    CHECK(random_base64url(32).size() == 43);
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) seen.insert(random_base64url(32));
    CHECK(seen.size() == 10000);
    CHECK(base64url("\xfb\xff") == "-_8");
}
