#include <doctest/doctest.h>

#include "fixture.hpp"
#include "redis/client.hpp"
#include "redis/errors.hpp"
#include "redis/pipeline.hpp"
#include "redis/script.hpp"

using namespace redisops;
using namespace redisops::test;

TEST_CASE("commands are binary-safe argv and replies come back typed") {
    RedisServer server;
    Connection c = server.connect();
    std::string value("a b\r\n\0\xff", 7);
    c.command({"SET", "bin", value});
    CHECK(*c.command({"GET", "bin"}).opt_str() == value);
    CHECK_FALSE(c.command({"GET", "missing"}).opt_str());
}

TEST_CASE("a pipeline sends N commands and reads N replies, errors kept in place") {
    RedisServer server;
    Connection c = server.connect();
    Pipeline p(c);
    for (int i = 0; i < 1000; ++i) p.add({"SET", "k" + std::to_string(i), std::to_string(i)});
    p.add({"INCR", "k1", "extra"});
    p.add({"GET", "k999"});
    auto replies = p.exec();
    REQUIRE(replies.size() == 1002);
    CHECK(replies[1000].is_error());
    CHECK(replies[1001].str() == "999");
    CHECK(c.command({"DBSIZE"}).integer() == 1000);
}

TEST_CASE("a script survives SCRIPT FLUSH through one NOSCRIPT reload") {
    RedisServer server;
    Connection c = server.connect();
    Script s("test_echo", "return {KEYS[1], ARGV[1]}");
    auto r = s.run(c, {"k"}, {"v"});
    CHECK(r[1].str() == "v");
    c.command({"SCRIPT", "FLUSH"});
    auto again = s.run(c, {"k2"}, {"v2"});
    CHECK(again[0].str() == "k2");
}

TEST_CASE("connecting over a Unix socket, with AUTH and SELECT") {
    RedisServer server({"--requirepass", "hunter2"});
    ConnectionOptions o = parse_url("unix://:hunter2@" + server.socket_path() + "?db=3");
    Connection c = Connection::open(o);
    c.command({"SET", "in3", "x"});
    ConnectionOptions tcp =
        parse_url("redis://:hunter2@127.0.0.1:" + std::to_string(server.port()));
    Connection d = Connection::open(tcp);
    CHECK(d.command({"EXISTS", "in3"}).integer() == 0);
    d.command({"SELECT", "3"});
    CHECK(d.command({"EXISTS", "in3"}).integer() == 1);
}

TEST_CASE("a wrong password is a server error that does not repeat the password") {
    RedisServer server({"--requirepass", "right"});
    ConnectionOptions o;
    o.address.port = server.port();
    o.password = "wrong-secret";
    try {
        Connection::open(o);
        FAIL("no throw");
    } catch (const ReplyError& e) {
        CHECK(std::string(e.what()).find("wrong-secret") == std::string::npos);
        CHECK(std::string(e.what()).find("AUTH") != std::string::npos);
    }
}

TEST_CASE("a slow command crosses the per-command timeout and breaks the connection") {
    RedisServer server;
    ConnectionOptions o;
    o.address.port = server.port();
    o.command_timeout = std::chrono::milliseconds(200);
    Connection c = Connection::open(o);
    CHECK_THROWS_AS(c.command({"DEBUG", "SLEEP", "1"}), TimeoutError);
    CHECK(c.broken());
    CHECK_THROWS_AS(c.command({"PING"}), ClosedError);
}

TEST_CASE("nothing listening is a connection error naming the address") {
    int port = free_port();
    ConnectionOptions o;
    o.address.port = port;
    try {
        Connection::open(o);
        FAIL("no throw");
    } catch (const ConnectionError& e) {
        CHECK(std::string(e.what()).find(std::to_string(port)) != std::string::npos);
    }
}

TEST_CASE("a killed server is a connection error, and the client reconnects after restart") {
    RedisServer server;
    ConnectionOptions o;
    o.address.port = server.port();
    Client client(o);
    client.command({"SET", "a", "1"});
    server.kill();
    CHECK_THROWS_AS(client.command({"GET", "a"}), ConnectionError);
    server.start();
    CHECK_FALSE(client.command({"GET", "a"}).opt_str());  // no persistence: data gone
}
