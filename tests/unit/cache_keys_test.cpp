#include <doctest/doctest.h>

#include <cmath>

#include "cache/entry.hpp"
#include "cache/key_batch.hpp"
#include "cache/tag_invalidation.hpp"
#include "cache/xfetch.hpp"
#include "redis/slot.hpp"

using namespace redisops;

TEST_CASE("a cached value's companions share its hash slot, hashtag or not") {
    for (std::string key : std::vector<std::string>{"plain", "{user:1}:profile", "a}b", "x{}y",
                                                    std::string("b\0n", 3)}) {
        CacheKeys k(key);
        CHECK(k.value == key);
        CHECK(hash_slot(k.delta) == hash_slot(key));
        CHECK(hash_slot(k.lock) == hash_slot(key));
        CHECK(hash_slot(k.channel) == hash_slot(key));
        CHECK(k.delta != k.lock);
    }
    CHECK(CacheKeys("{user:1}:profile").lock == "{user:1}:profile:lock");
    CHECK(CacheKeys("plain").delta == "{plain}:delta");
    CHECK(CacheKeys("a}b").lock != CacheKeys("a}c").lock);
}

TEST_CASE("tag sets in the key's slot go into the value's script, the others are separate") {
    auto plan = plan_tag_writes("{user:1}:profile", {"tag:{user:1}", "tag:users", "tag:x"});
    REQUIRE(plan.with_value.size() == 1);
    CHECK(plan.with_value[0] == "tag:{user:1}");
    CHECK(plan.separate == std::vector<std::string>{"tag:users", "tag:x"});
    CHECK(tag_set_key("tag:", "a b") == "tag:a b");
}

TEST_CASE("tombstones and their registry live in the tag set's slot and are fresh each time") {
    for (std::string tag_key : {"tag:a", "tag:{u}", "tag:*?[", "tag:a}b", "tag:x{}y"}) {
        CHECK(hash_slot(tombstone_registry_key(tag_key)) == hash_slot(tag_key));
        std::string t1 = new_tombstone_key(tag_key), t2 = new_tombstone_key(tag_key);
        CHECK(hash_slot(t1) == hash_slot(tag_key));
        CHECK(t1 != t2);
        CHECK(t1 != tombstone_registry_key(tag_key));
    }
}

TEST_CASE("keys are batched whole on one server and per slot on a cluster") {
    std::vector<std::string> keys{"a", "b", "{a}1", "c"};
    auto one = group_by_slot(keys, false);
    REQUIRE(one.size() == 1);
    CHECK(one[0] == keys);
    auto per_slot = group_by_slot(keys, true);
    CHECK(per_slot.size() == 3);
    for (const auto& batch : per_slot) {
        for (const auto& k : batch) CHECK(hash_slot(k) == hash_slot(batch.front()));
    }
    CHECK(group_by_slot({}, true).empty());
}

TEST_CASE("XFetch refreshes early only near expiry, more eagerly for costly values") {
    using std::chrono::milliseconds;
    // gap = delta * beta * -ln(u); u = e^-1 makes -ln(u) = 1.
    const double u = std::exp(-1.0);
    CHECK(refresh_early(milliseconds(100), milliseconds(200), 1.0, u));
    CHECK_FALSE(refresh_early(milliseconds(300), milliseconds(200), 1.0, u));
    CHECK(refresh_early(milliseconds(300), milliseconds(200), 2.0, u));  // higher beta: sooner
    CHECK_FALSE(refresh_early(milliseconds(100), milliseconds(200), 0.0, u));    // beta 0: never
    CHECK_FALSE(refresh_early(std::nullopt, milliseconds(200), 1.0, u));         // no expiry
    CHECK_FALSE(refresh_early(milliseconds(100), std::nullopt, 1.0, u));         // no delta
    CHECK_FALSE(refresh_early(milliseconds(100), milliseconds(200), 1.0, 1.0));  // -ln(1) = 0
    for (int i = 0; i < 1000; ++i) {
        double d = uniform_draw();
        CHECK(d > 0.0);
        CHECK(d <= 1.0);
    }
}
