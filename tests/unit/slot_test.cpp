#include "redis/slot.hpp"

#include <doctest/doctest.h>

using namespace redisops;

TEST_CASE("hash slots match Redis Cluster's CRC16") {
    CHECK(hash_slot("123456789") == 0x31C3 % 16384);  // the spec's test vector
    CHECK(hash_slot("foo") == 12182);                 // CLUSTER KEYSLOT foo
    CHECK(hash_slot("{user1000}.following") == hash_slot("{user1000}.followers"));
    CHECK(hash_slot("foo{}{bar}") == hash_slot("foo{}{bar}"));
    CHECK(hash_tag("foo{}{bar}") == "foo{}{bar}");  // empty first tag: whole key
    CHECK(hash_tag("foo{{bar}}zap") == "{bar");
}

TEST_CASE("companion keys stay in their key's slot") {
    CHECK(same_slot_key("lock:job", ":fence") == "{lock:job}:fence");
    CHECK(hash_slot(same_slot_key("lock:job", ":fence")) == hash_slot("lock:job"));
    CHECK(same_slot_key("user:{42}:x", ":meta") == "user:{42}:x:meta");
    CHECK(hash_slot(same_slot_key("user:{42}:x", ":meta")) == hash_slot("user:{42}:x"));
}

TEST_CASE("keys with stray braces still get companions in their own slot") {
    for (const char* key : {"a}b", "x{}y", "}", "{}", "a{b", "{}}{", "user:{42"}) {
        CAPTURE(key);
        CHECK(hash_slot(same_slot_key(key, ":meta")) == hash_slot(key));
        CHECK(same_slot_key(key, ":meta") != same_slot_key(key, ":lock"));
    }
    // The computed tag goes in before the first brace: the prefix stays in front, so the ACL
    // patterns of the prefix (lock:*) cover the companion too.
    std::string fence = same_slot_key("lock:a}b", ":fence");
    CHECK(fence.starts_with("lock:a{s"));
    CHECK(fence.ends_with("}}b:fence"));
    CHECK(hash_tag(fence) == fence.substr(7, fence.size() - 7 - 9));
    CHECK(same_slot_key("lock:x{}y", ":fence").starts_with("lock:x{s"));
    CHECK(same_slot_key("}a", ":fence").starts_with("{s"));
}
