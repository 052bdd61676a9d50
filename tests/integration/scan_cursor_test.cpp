// ScanCursor against real servers: every element at least once across pages, MATCH and TYPE
// pushed to the server, big sets, empty keyspaces, resumed walks, and replies that are wrong.
#include "redis/scan_cursor.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "deploy_fixture.hpp"
#include "fixture.hpp"
#include "redis/client.hpp"
#include "redis/errors.hpp"
#include "redis/node_walk.hpp"
#include "redis/pipeline.hpp"
#include "redis/slot.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

void fill(Connection& c, const std::string& prefix, int n) {
    Pipeline p(c);
    for (int i = 0; i < n; ++i) p.add({"SET", prefix + std::to_string(i), "v"});
    for (const Reply& r : p.exec()) r.check();
}

/// Every element of a walk to its end on `conn`, and how many pages it took.
std::multiset<std::string> walk(ScanCursor& cursor, Connection& conn, size_t* pages = nullptr) {
    std::multiset<std::string> seen;
    size_t n = 0;
    do {
        ScanPage page = cursor.next(conn);
        ++n;
        for (size_t i = 0; i < page.size(); ++i) seen.emplace(page[i]);
    } while (!cursor.done());
    if (pages) *pages = n;
    return seen;
}

}  // namespace

TEST_CASE("a keyspace SCAN returns every key at least once across its pages") {
    RedisServer server;
    Connection c = server.connect();
    fill(c, "k:", 5000);
    ScanCursor cursor = ScanCursor::keys({.count = 100});
    CHECK(cursor.request() == Args{"SCAN", "0", "COUNT", "100"});
    size_t pages = 0;
    std::multiset<std::string> seen = walk(cursor, c, &pages);
    CHECK(pages > 10);
    CHECK(cursor.done());
    CHECK(cursor.position() == "0");
    std::set<std::string> distinct(seen.begin(), seen.end());
    CHECK(distinct.size() == 5000);
    for (int i = 0; i < 5000; i += 499) CHECK(distinct.count("k:" + std::to_string(i)) == 1);
}

TEST_CASE("MATCH and TYPE are sent to the server and honoured") {
    RedisServer server;
    Connection c = server.connect();
    fill(c, "user:", 300);  // strings
    Pipeline p(c);
    for (int i = 0; i < 200; ++i) p.add({"HSET", "user:h" + std::to_string(i), "f", "v"});
    for (int i = 0; i < 100; ++i) p.add({"SADD", "user:s" + std::to_string(i), "m"});
    for (int i = 0; i < 100; ++i) p.add({"HSET", "other:h" + std::to_string(i), "f", "v"});
    for (const Reply& r : p.exec()) r.check();

    ScanCursor hashes = ScanCursor::keys({.match = "user:*", .type = "hash", .count = 50});
    CHECK(hashes.request() == Args{"SCAN", "0", "MATCH", "user:*", "COUNT", "50", "TYPE", "hash"});
    std::multiset<std::string> seen = walk(hashes, c);
    std::set<std::string> distinct(seen.begin(), seen.end());
    CHECK(distinct.size() == 200);
    for (const auto& k : distinct) CHECK(k.starts_with("user:h"));

    ScanCursor matched = ScanCursor::keys({.match = "user:s*"});
    std::multiset<std::string> sets = walk(matched, c);
    CHECK(std::set<std::string>(sets.begin(), sets.end()).size() == 100);
}

TEST_CASE("SSCAN of a 20k-member set returns every member, directly and through a client") {
    RedisServer server;
    Connection c = server.connect();
    Pipeline p(c);
    for (int i = 0; i < 20000; i += 500) {
        Args sadd{"SADD", "big"};
        for (int j = i; j < i + 500; ++j) sadd.push_back("m" + std::to_string(j));
        p.add(sadd);
    }
    for (const Reply& r : p.exec()) r.check();
    REQUIRE(c.command({"SCARD", "big"}).integer() == 20000);

    ScanCursor direct = ScanCursor::set("big", {.count = 1000});
    CHECK(direct.request() == Args{"SSCAN", "big", "0", "COUNT", "1000"});
    CHECK(direct.key() == "big");
    size_t pages = 0;
    std::multiset<std::string> seen = walk(direct, c, &pages);
    CHECK(pages > 1);
    std::set<std::string> distinct(seen.begin(), seen.end());
    CHECK(distinct.size() == 20000);
    CHECK(distinct.count("m0") == 1);
    CHECK(distinct.count("m19999") == 1);

    Client client(parse_url(server.url()));
    ScanCursor routed = ScanCursor::set("big", {.match = "m1999*", .count = 1000});
    std::set<std::string> matched;
    do {
        for (const auto& m : routed.next(client).strings()) matched.insert(m);
    } while (!routed.done());
    // m1999, m19990 … m19999
    CHECK(matched.size() == 11);
}

TEST_CASE("HSCAN and ZSCAN pages alternate field and value") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"HSET", "h", "a", "1", "b", "2"});
    c.command({"ZADD", "z", "1.5", "x"});
    ScanCursor hash = ScanCursor::hash("h");
    std::multiset<std::string> fields = walk(hash, c);
    CHECK(fields == std::multiset<std::string>{"a", "1", "b", "2"});
    ScanCursor zset = ScanCursor::zset("z");
    ScanPage page = zset.next(c);
    REQUIRE(page.size() == 2);
    CHECK(page[0] == "x");
    CHECK(page[1] == "1.5");
    CHECK(zset.done());
}

TEST_CASE("an empty keyspace and a missing set are one empty page") {
    RedisServer server;
    Connection c = server.connect();
    ScanCursor keys = ScanCursor::keys({.count = 1000});
    ScanPage page = keys.next(c);
    CHECK(page.empty());
    CHECK(keys.done());
    ScanCursor missing = ScanCursor::set("no-such-set");
    CHECK(missing.next(c).empty());
    CHECK(missing.done());
    // The walk is over: asking for another page is a redis-ops bug, not a new walk.
    CHECK_THROWS_AS(missing.next(c), std::logic_error);
}

TEST_CASE("a walk resumed from a saved cursor finishes what the first one started") {
    RedisServer server;
    Connection c = server.connect();
    fill(c, "r:", 2000);
    ScanCursor first = ScanCursor::keys({.count = 100});
    std::set<std::string> seen;
    for (int i = 0; i < 3; ++i) {
        ScanPage page = first.next(c);
        for (size_t j = 0; j < page.size(); ++j) seen.emplace(page[j]);
    }
    REQUIRE_FALSE(first.done());
    std::string saved = first.position();
    CHECK(saved != "0");

    ScanCursor resumed = ScanCursor::keys({.count = 100});
    resumed.resume(saved);
    CHECK(resumed.request()[1] == saved);
    for (const auto& k : walk(resumed, c)) seen.insert(k);
    CHECK(seen.size() == 2000);
}

TEST_CASE("a bad cursor is the server's error, kept as a ReplyError") {
    RedisServer server;
    Connection c = server.connect();
    fill(c, "b:", 10);
    ScanCursor cursor = ScanCursor::keys();
    cursor.resume("not-a-cursor");
    try {
        cursor.next(c);
        FAIL("no throw");
    } catch (const ReplyTypeError&) {
        FAIL("the server's error is not a type error");
    } catch (const ReplyError& e) {
        CHECK(std::string(e.what()).find("SCAN: ERR invalid cursor") != std::string::npos);
        CHECK(e.kind() == ErrorKind::Other);
    }
    // Above 2^64-1: still the server's refusal, not a crash or a wrapped number.
    ScanCursor huge = ScanCursor::set("s");
    huge.resume("18446744073709551616");
    CHECK_THROWS_WITH_AS(huge.next(c), doctest::Contains("invalid cursor"), ReplyError);
}

TEST_CASE("a reply that is not a SCAN page is refused with what was expected") {
    RedisServer server;
    Connection c = server.connect();
    // Real replies of the wrong shape: a status, a one-element array, a cursor that is not a
    // number, elements that are not an array.
    for (const char* script :
         {"return redis.status_reply('PONG')", "return {'5'}", "return {'x1', {}}",
          "return {'0', 'k'}", "return {'-1', {}}", "return {'', {}}"}) {
        CAPTURE(script);
        ScanCursor cursor = ScanCursor::keys();
        try {
            cursor.accept(c.command_unchecked({"EVAL", script, "0"}));
            FAIL("no throw");
        } catch (const ReplyTypeError& e) {
            CHECK(std::string(e.what()).find("expected a [cursor, elements] page") !=
                  std::string::npos);
        }
        CHECK_FALSE(cursor.done());
    }
}

TEST_CASE("SSCAN of a key of another type names the key and keeps WRONGTYPE") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "str", "v"});
    ScanCursor cursor = ScanCursor::set("str");
    try {
        cursor.next(c);
        FAIL("no throw");
    } catch (const ReplyError& e) {
        CHECK(e.kind() == ErrorKind::WrongType);
        CHECK(std::string(e.what()).starts_with("SSCAN str: WRONGTYPE"));
    }
    Client client(parse_url(server.url()));
    ScanCursor routed = ScanCursor::set("str");
    CHECK_THROWS_WITH_AS(routed.next(client), doctest::Contains("SSCAN str: WRONGTYPE"),
                         ReplyError);
}

TEST_CASE("on a cluster, one walk per master covers the keyspace; SSCAN follows its key") {
    TestCluster cluster;
    Client client(cluster.options());
    for (int i = 0; i < 600; ++i) {
        std::string key = "ck:" + std::to_string(i);
        client.command_for_key(key, {"SET", key, "v"});
    }
    client.command_for_key("{tag}set", {"SADD", "{tag}set", "a", "b", "c"});

    std::set<std::string> seen;
    size_t nodes = 0;
    for_each_master(client, [&](Connection& node) {
        ++nodes;
        ScanCursor cursor = ScanCursor::keys({.match = "ck:*", .count = 100});
        do {
            ScanPage page = cursor.next(node);
            for (size_t i = 0; i < page.size(); ++i) {
                // Each key comes from the master that owns its slot.
                CHECK(cluster.address(cluster.owner_of(hash_slot(page[i]))).display() ==
                      node.address().display());
                seen.emplace(page[i]);
            }
        } while (!cursor.done());
    });
    CHECK(nodes == 3);
    CHECK(seen.size() == 600);

    ScanCursor members = ScanCursor::set("{tag}set");
    std::set<std::string> got;
    do {
        for (const auto& m : members.next(client).strings()) got.insert(m);
    } while (!members.done());
    CHECK(got == std::set<std::string>{"a", "b", "c"});
    // A keyspace SCAN has no single owner on a cluster.
    ScanCursor keys = ScanCursor::keys();
    CHECK_THROWS_AS(keys.next(client), std::logic_error);
}
