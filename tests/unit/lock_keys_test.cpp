#include <doctest/doctest.h>

#include "lock/lease.hpp"
#include "lock/renewal.hpp"
#include "redis/errors.hpp"
#include "redis/slot.hpp"
#include "util/units.hpp"

using namespace redisops;
using std::chrono::milliseconds;

TEST_CASE("lock keys follow the DESIGN layout and keep the fence in the lock's slot") {
    LockKeys k = LockKeys::make("job", "lock:");
    CHECK(k.key == "lock:job");
    CHECK(k.fence_key == "{lock:job}:fence");
    CHECK(hash_slot(k.fence_key) == hash_slot(k.key));
    CHECK(hash_slot(k.channel) == hash_slot(k.key));
}

TEST_CASE("an empty prefix addresses the bare name, as redis-py stores locks") {
    LockKeys k = LockKeys::make("resource", "");
    CHECK(k.key == "resource");
    CHECK(k.fence_key == "{resource}:fence");
}

TEST_CASE("a lock name with a hashtag keeps its tag for the companion keys") {
    LockKeys k = LockKeys::make("{tenant7}:job", "lock:");
    CHECK(k.key == "lock:{tenant7}:job");
    CHECK(hash_slot(k.fence_key) == hash_slot(k.key));
}

TEST_CASE("an empty lock name is a usage error") {
    CHECK_THROWS_AS(LockKeys::make("", "lock:"), UsageError);
}

TEST_CASE("new lock tokens are 128 random bits as 32 hex digits, like redis-py's") {
    std::string a = new_lock_token(), b = new_lock_token();
    CHECK(a.size() == 32);
    CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(a != b);
}

TEST_CASE("a TTL of zero is refused") {
    CHECK_THROWS_AS(require_positive(milliseconds(0), "--ttl"), UsageError);
    CHECK_NOTHROW(require_positive(milliseconds(1), "--ttl"));
}

TEST_CASE("renewal timing leaves room to stop the command before the TTL ends") {
    RenewalTiming t{milliseconds(30000), default_grace(milliseconds(30000))};
    CHECK(t.interval() == milliseconds(10000));
    CHECK(t.grace == milliseconds(5000));
    CHECK(t.safe_for() < t.ttl);
    // Two renewal tries fit before the SIGTERM point.
    CHECK(2 * t.interval() + t.attempt_timeout() < t.safe_for() - t.grace);

    RenewalTiming small{milliseconds(2000), default_grace(milliseconds(2000))};
    CHECK(small.grace == milliseconds(500));
    CHECK(small.attempt_timeout() == milliseconds(200));
    CHECK(small.interval() + small.attempt_timeout() < small.safe_for() - small.grace);
}

TEST_CASE("a grace period of half the TTL or more is refused") {
    CHECK_THROWS_AS(check_grace(milliseconds(2000), milliseconds(1000)), UsageError);
    CHECK_NOTHROW(check_grace(milliseconds(2000), milliseconds(999)));
}
