// `pubsub tail` against a real redis-server.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "fixture.hpp"
#include "tail_helpers.hpp"

using namespace redisops;
using namespace redisops::test;
using namespace std::chrono_literals;

TEST_CASE("pubsub tail prints the messages published while it listens") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"PUBLISH", "news", "too early"});  // nobody listens: gone
    auto fut = tail_async(server, {"pubsub", "tail", "news", "--count", "3"});
    REQUIRE(wait_until([&] { return c.command({"PUBSUB", "NUMSUB", "news"})[1].integer() == 1; }));
    c.command({"PUBLISH", "news", "one"});
    c.command({"PUBLISH", "other", "not for us"});
    c.command({"PUBLISH", "news", "two words"});
    c.command({"PUBLISH", "news", std::string("bin\xff", 4)});
    auto r = fut.get();
    CHECK(r.exit_code == 0);
    CHECK(lines(r.out) == std::vector<std::string>{"one", "\"two words\"", "\"bin\\xff\""});
    CHECK(r.err.find("lost") != std::string::npos);  // the note that Pub/Sub keeps nothing
}

TEST_CASE("pubsub tail --pattern prints JSON with the pattern and the channel") {
    RedisServer server;
    Connection c = server.connect();
    auto fut = tail_async(
        server, {"pubsub", "tail", "ev.*", "--pattern", "--format", "json", "--count", "2"});
    REQUIRE(wait_until([&] { return c.command({"PUBSUB", "NUMPAT"}).integer() == 1; }));
    c.command({"PUBLISH", "ev.a", "1"});
    c.command({"PUBLISH", "ev.b", "2"});
    auto got = lines(fut.get().out);
    REQUIRE(got.size() == 2);
    auto j = nlohmann::json::parse(got[1]);
    CHECK(j["channel"] == "ev.b");
    CHECK(j["pattern"] == "ev.*");
    CHECK(j["message"] == "2");
}

TEST_CASE("pubsub tail --shard reads sharded channels with a template") {
    RedisServer server;
    Connection c = server.connect();
    auto fut = tail_async(server, {"pubsub", "tail", "sh", "--shard", "--format",
                                   "{channel}={message}\\n", "--count", "1"});
    REQUIRE(wait_until([&] {
        return c.command({"PUBSUB", "SHARDNUMSUB", "sh"})[1].integer() == 1;
    }));
    c.command({"SPUBLISH", "sh", "m"});
    CHECK(lines(fut.get().out) == std::vector<std::string>{"sh=m"});
}

TEST_CASE("pubsub tail resubscribes after a restart and says messages were lost") {
    RedisServer server;
    Connection c = server.connect();
    auto fut = tail_async(server, {"pubsub", "tail", "ch", "--count", "2"});
    REQUIRE(wait_until([&] { return c.command({"PUBSUB", "NUMSUB", "ch"})[1].integer() == 1; }));
    c.command({"PUBLISH", "ch", "before"});
    server.stop();
    server.start();
    Connection c2 = server.connect();
    REQUIRE(wait_until([&] { return c2.command({"PUBSUB", "NUMSUB", "ch"})[1].integer() == 1; }));
    c2.command({"PUBLISH", "ch", "after"});
    auto r = fut.get();
    CHECK(r.exit_code == 0);
    CHECK(lines(r.out) == std::vector<std::string>{"before", "after"});
    CHECK(r.err.find("resubscribed") != std::string::npos);
}

TEST_CASE("pubsub tail rejects a bad template with exit 2") {
    RedisServer server;
    CHECK(run_cli(server, {"pubsub", "tail", "ch", "--format", "{id}"}).exit_code == 2);
    CHECK(run_cli(server, {"pubsub", "tail", "ch", "--pattern", "--shard"}).exit_code == 2);
}
