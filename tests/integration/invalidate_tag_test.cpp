#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "fixture.hpp"
#include "redis/pipeline.hpp"
#include "redis/slot.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

CliOptions quick(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    CliOptions o;
    o.timeout = timeout;
    return o;
}

/// `n` keys `prefix<i>` with a TTL, all members of tag set `tag_key`.
void make_tagged(Connection& c, const std::string& tag_key, const std::string& prefix, int n) {
    Pipeline p(c);
    for (int i = 0; i < n; ++i) {
        std::string k = prefix + std::to_string(i);
        p.add({"SET", k, "v", "PX", "600000"});
        p.add({"SADD", tag_key, k});
    }
    for (const auto& r : p.exec()) r.check();
}

long long count_keys(Connection& c, const std::string& pattern) {
    long long n = 0;
    std::string cursor = "0";
    do {
        Reply r = c.command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
        cursor = std::string(r[0].str());
        n += static_cast<long long>(r[1].size());
    } while (cursor != "0");
    return n;
}

}  // namespace

TEST_CASE("invalidate-tag deletes every member and the set, and prints how many existed") {
    RedisServer server;
    Connection c = server.connect();
    make_tagged(c, "tag:news", "news:", 10);
    c.command({"SADD", "tag:news", "already-expired"});
    c.command({"SET", "unrelated", "stays"});
    auto r = run_cli(server, {"invalidate-tag", "news"}, quick());
    CHECK(r.exit_code == 0);
    CHECK(r.out == "10\n");
    CHECK(count_keys(c, "news:*") == 0);
    CHECK(c.command({"EXISTS", "tag:news"}).integer() == 0);
    CHECK(c.command({"EXISTS", "unrelated"}).integer() == 1);
    CHECK(c.command({"DBSIZE"}).integer() == 1);  // no tombstone or registry left
}

TEST_CASE("--dry-run counts the keys it would delete and deletes nothing") {
    RedisServer server;
    Connection c = server.connect();
    make_tagged(c, "tag:a", "a:", 7);
    c.command({"SADD", "tag:a", "gone"});
    auto r = run_cli(server, {"invalidate-tag", "a", "--dry-run"}, quick());
    CHECK(r.exit_code == 0);
    CHECK(r.out == "7\n");
    CHECK(count_keys(c, "a:*") == 7);
    CHECK(c.command({"SCARD", "tag:a"}).integer() == 8);
    CHECK(c.command({"DBSIZE"}).integer() == 8);
}

TEST_CASE("several tags at once, with a per-tag count in JSON") {
    RedisServer server;
    Connection c = server.connect();
    make_tagged(c, "tag:x", "x:", 3);
    make_tagged(c, "tag:y y", "y:", 2);
    c.command({"SADD", "tag:y y", "x:0"});  // shared member: deleted once
    auto r = run_cli(server, {"invalidate-tag", "x", "y y", "nobody", "--json"}, quick());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"deleted\":5") != std::string::npos);
    CHECK(r.out.find("\"tag\":\"y y\"") != std::string::npos);
    CHECK(r.out.find("\"dry_run\":false") != std::string::npos);
    CHECK(c.command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("a big tag is drained in batches until nothing of it is left") {
    RedisServer server;
    Connection c = server.connect();
    make_tagged(c, "tag:big", "big:", 20000);
    auto r = run_cli(server, {"invalidate-tag", "big", "--batch", "500"}, quick());
    CHECK(r.exit_code == 0);
    CHECK(r.out == "20000\n");
    CHECK(c.command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("a key tagged while the invalidation runs lands in a fresh tag set and is not lost") {
    RedisServer server;
    Connection c = server.connect();
    make_tagged(c, "tag:t", "old:", 30000);
    CliResult inv;
    std::thread t([&] {
        inv = run_cli(server, {"invalidate-tag", "t", "--batch", "50"}, quick());
    });
    // Wait until the set was renamed to a tombstone (the registry appears), then tag a key.
    std::string registry = same_slot_key("tag:t", ":tombstones");
    bool seen = false;
    for (int i = 0; i < 3000 && !seen; ++i) {
        seen = c.command({"EXISTS", registry}).integer() == 1;
        if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    auto tagged =
        run_cli(server, {"cache", "set", "new", "v", "--ttl", "1m", "--tag", "t"}, quick());
    t.join();
    REQUIRE(seen);
    CHECK(tagged.exit_code == 0);
    CHECK(inv.exit_code == 0);
    CHECK(inv.out == "30000\n");
    CHECK(c.command({"EXISTS", "new"}).integer() == 1);
    CHECK(c.command({"SMEMBERS", "tag:t"}).strings() == std::vector<std::string>{"new"});
    CHECK(c.command({"EXISTS", registry}).integer() == 0);
    CHECK(count_keys(c, "old:*") == 0);
}

TEST_CASE("a rerun after an interrupted invalidation finishes the drain") {
    RedisServer server;
    Connection c = server.connect();
    // What a run killed mid-drain leaves: a tombstone in the registry, half of it drained.
    std::string tomb = same_slot_key("tag:t", ":tombstone:deadbeef");
    std::string registry = same_slot_key("tag:t", ":tombstones");
    make_tagged(c, tomb, "left:", 100);
    for (int i = 0; i < 50; ++i) c.command({"UNLINK", "left:" + std::to_string(i)});
    c.command({"SADD", registry, tomb});
    make_tagged(c, "tag:t", "live:", 5);
    auto dry = run_cli(server, {"invalidate-tag", "t", "--dry-run"}, quick());
    CHECK(dry.out == "55\n");
    auto r = run_cli(server, {"invalidate-tag", "t"}, quick());
    CHECK(r.exit_code == 0);
    CHECK(r.out == "55\n");
    CHECK(c.command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("a tag key that is not a set exits 4 and is left alone") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "tag:s", "a string"});
    auto r = run_cli(server, {"invalidate-tag", "s"}, quick());
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("WRONGTYPE") != std::string::npos);
    CHECK(*c.command({"GET", "tag:s"}).opt_str() == "a string");
    CHECK(c.command({"DBSIZE"}).integer() == 1);
    CHECK(run_cli(server, {"invalidate-tag", "s", "--dry-run"}, quick()).exit_code == 4);
}

TEST_CASE("bad input: a bad --batch exits 2 naming the flag; no tag is a usage error") {
    RedisServer server;
    auto r = run_cli(server, {"invalidate-tag", "t", "--batch", "0"}, quick());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--batch") != std::string::npos);
    CHECK(run_cli(server, {"invalidate-tag"}, quick()).exit_code == 2);
}
