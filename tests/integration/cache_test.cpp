#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "fixture.hpp"
#include "redis/slot.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

CliOptions quick(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    CliOptions o;
    o.timeout = timeout;
    return o;
}

long long pttl(Connection& c, const std::string& key) { return c.command({"PTTL", key}).integer(); }
/// The absolute expiry (ms since the epoch): two keys compare without a clock tick between reads.
long long expire_at(Connection& c, const std::string& key) {
    return c.command({"PEXPIRETIME", key}).integer();
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// `sh -c SCRIPT` that appends a line to `counter` each time it runs, then prints `output`.
std::vector<std::string> counted(const std::string& counter, const std::string& output,
                                 const std::string& extra = "") {
    return {"sh", "-c", "echo run >> '" + counter + "'; " + extra + "printf '%s' '" + output + "'"};
}

std::vector<std::string> fetch_args(const std::string& key, std::vector<std::string> cmd,
                                    std::vector<std::string> flags = {}) {
    std::vector<std::string> a{"cache", "fetch", key, "--ttl", "60s"};
    a.insert(a.end(), flags.begin(), flags.end());
    a.push_back("--");
    a.insert(a.end(), cmd.begin(), cmd.end());
    return a;
}

}  // namespace

TEST_CASE("cache set stores the value with its TTL and cache get prints it raw") {
    RedisServer server;
    Connection c = server.connect();
    auto r = run_cli(server, {"cache", "set", "greeting", "hello world", "--ttl", "30s"}, quick());
    CHECK(r.exit_code == 0);
    CHECK(*c.command({"GET", "greeting"}).opt_str() == "hello world");
    CHECK(pttl(c, "greeting") > 25000);
    CHECK(pttl(c, "greeting") <= 30000);
    auto got = run_cli(server, {"cache", "get", "greeting"}, quick());
    CHECK(got.exit_code == 0);
    CHECK(got.out == "hello world");
    auto json = run_cli(server, {"cache", "get", "greeting", "--json"}, quick());
    CHECK(json.out.find("\"ttl_ms\":") != std::string::npos);
    CHECK(json.out.find("\"found\":true") != std::string::npos);
}

TEST_CASE("a value from stdin round-trips bytes with newlines, spaces and NULs") {
    RedisServer server;
    Connection c = server.connect();
    std::string bytes("line one\n  spaced  \0nul\r\n\xff\xfe end\n", 30);
    CliOptions in = quick();
    in.stdin_data = bytes;
    CHECK(run_cli(server, {"cache", "set", "blob", "-", "--ttl", "1m"}, in).exit_code == 0);
    CHECK(*c.command({"GET", "blob"}).opt_str() == bytes);
    auto got = run_cli(server, {"cache", "get", "blob"}, quick());
    CHECK(got.exit_code == 0);
    CHECK(got.out == bytes);
}

TEST_CASE("cache get of a missing key exits 1 and prints nothing") {
    RedisServer server;
    auto r = run_cli(server, {"cache", "get", "nope"}, quick());
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    auto j = run_cli(server, {"cache", "get", "nope", "--json"}, quick());
    CHECK(j.exit_code == 1);
    CHECK(j.out.find("\"found\":false") != std::string::npos);
}

TEST_CASE("cache set --tag adds the key to every tag set, whose TTL covers the member's") {
    RedisServer server;
    Connection c = server.connect();
    auto r = run_cli(
        server,
        {"cache", "set", "user:1", "v", "--ttl", "100s", "--tag", "users", "--tag", "{user:1}"},
        quick());
    REQUIRE(r.exit_code == 0);
    CHECK(c.command({"SISMEMBER", "tag:users", "user:1"}).integer() == 1);
    CHECK(c.command({"SISMEMBER", "tag:{user:1}", "user:1"}).integer() == 1);
    CHECK(expire_at(c, "tag:users") >= expire_at(c, "user:1"));
    CHECK(pttl(c, "tag:users") <= 100000);
}

TEST_CASE("a tag set's TTL is raised for a longer-lived member and never shortened") {
    RedisServer server;
    Connection c = server.connect();
    REQUIRE(run_cli(server, {"cache", "set", "a", "1", "--ttl", "100s", "--tag", "t"}, quick())
                .exit_code == 0);
    REQUIRE(run_cli(server, {"cache", "set", "b", "2", "--ttl", "10s", "--tag", "t"}, quick())
                .exit_code == 0);
    CHECK(pttl(c, "tag:t") > 90000);  // not shortened to b's 10 s
    REQUIRE(run_cli(server, {"cache", "set", "c", "3", "--ttl", "1000s", "--tag", "t"}, quick())
                .exit_code == 0);
    CHECK(pttl(c, "tag:t") > 990000);  // raised to c's
    CHECK(c.command({"SCARD", "tag:t"}).integer() == 3);
    // A tag set someone keeps without expiry stays so.
    c.command({"SADD", "tag:forever", "x"});
    REQUIRE(run_cli(server, {"cache", "set", "d", "4", "--ttl", "5s", "--tag", "forever"}, quick())
                .exit_code == 0);
    CHECK(pttl(c, "tag:forever") == -1);
}

TEST_CASE("cache del removes the keys and their fetch companions, and counts what existed") {
    RedisServer server;
    Connection c = server.connect();
    std::string counter = server.dir() + "/counter";
    REQUIRE(run_cli(server, fetch_args("f", counted(counter, "out")), quick()).exit_code == 0);
    c.command({"SET", "plain", "x"});
    REQUIRE(c.command({"EXISTS", same_slot_key("f", ":delta")}).integer() == 1);
    auto r = run_cli(server, {"cache", "del", "f", "plain", "missing"}, quick());
    CHECK(r.exit_code == 0);
    CHECK(r.out == "2\n");
    CHECK(c.command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("cache ttl prints the time left, ttl_ms in JSON, and exits 1 for a missing key") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "k", "v", "PX", "90000"});
    c.command({"SET", "forever", "v"});
    auto r = run_cli(server, {"cache", "ttl", "k", "--json"}, quick());
    CHECK(r.exit_code == 0);
    auto at = r.out.find("\"ttl_ms\":");
    REQUIRE(at != std::string::npos);
    long long ms = std::stoll(r.out.substr(at + 9));
    CHECK(ms > 80000);
    CHECK(ms <= 90000);
    CHECK(run_cli(server, {"cache", "ttl", "forever"}, quick()).out == "no expiry\n");
    CHECK(run_cli(server, {"cache", "ttl", "gone"}, quick()).exit_code == 1);
}

TEST_CASE("6 concurrent cache fetch calls run the command exactly once and all print its output") {
    RedisServer server;
    Connection c = server.connect();
    std::string counter = server.dir() + "/counter";
    auto args = fetch_args("report", counted(counter, "the report\n", "sleep 1; "));
    std::vector<CliResult> results(6);
    std::vector<std::thread> callers;
    for (auto& r : results) {
        callers.emplace_back(
            [&server, &args, &r] { r = run_cli(server, args, quick(std::chrono::seconds(60))); });
    }
    for (auto& t : callers) t.join();
    for (const auto& r : results) {
        CHECK(r.exit_code == 0);
        CHECK(r.out == "the report\n");
    }
    CHECK(slurp(counter) == "run\n");
    CHECK(*c.command({"GET", "report"}).opt_str() == "the report\n");
    CHECK(pttl(c, "report") > 50000);
    CHECK(c.command({"EXISTS", same_slot_key("report", ":lock")}).integer() == 0);
    // The compute time sits in a same-slot companion, so the value stays the raw stdout.
    auto delta = c.command({"GET", same_slot_key("report", ":delta")}).opt_str();
    REQUIRE(delta);
    CHECK(std::stoll(*delta) >= 900);
}

TEST_CASE("a cache fetch hit prints the stored value without running the command") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "k", std::string("stored\0bytes", 12), "PX", "60000"});
    std::string counter = server.dir() + "/counter";
    auto r = run_cli(server, fetch_args("k", counted(counter, "fresh")), quick());
    CHECK(r.exit_code == 0);
    CHECK(r.out == std::string("stored\0bytes", 12));
    CHECK(slurp(counter).empty());
}

TEST_CASE("cache fetch --tag tags the stored output") {
    RedisServer server;
    Connection c = server.connect();
    std::string counter = server.dir() + "/counter";
    REQUIRE(run_cli(server, fetch_args("page", counted(counter, "p"), {"--tag", "pages"}), quick())
                .exit_code == 0);
    CHECK(c.command({"SISMEMBER", "tag:pages", "page"}).integer() == 1);
    CHECK(expire_at(c, "tag:pages") >= expire_at(c, "page"));
}

TEST_CASE("a failing command is not cached, its stderr passes through and its status is kept") {
    RedisServer server;
    Connection c = server.connect();
    auto r = run_cli(server, fetch_args("bad", {"sh", "-c", "echo partial; echo oops >&2; exit 3"}),
                     quick());
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(r.err.find("oops") != std::string::npos);
    CHECK(r.err.find("status 3") != std::string::npos);
    CHECK(c.command({"EXISTS", "bad"}).integer() == 0);
    CHECK(c.command({"EXISTS", same_slot_key("bad", ":lock")}).integer() == 0);
}

TEST_CASE("a command killed by a signal gives 128+N, a missing one 127, and nothing is cached") {
    RedisServer server;
    Connection c = server.connect();
    auto killed = run_cli(server, fetch_args("sig", {"sh", "-c", "kill -TERM $$"}), quick());
    CHECK(killed.exit_code == 128 + 15);
    auto missing = run_cli(server, fetch_args("nf", {"no-such-command-xyz"}), quick());
    CHECK(missing.exit_code == 127);
    CHECK(missing.err.find("no-such-command-xyz") != std::string::npos);
    CHECK(c.command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("a computing caller told to stop passes the signal on, caches nothing, frees the lock") {
    RedisServer server;
    Connection c = server.connect();
    // The command's parent is redis-ops: it sends it SIGTERM, as a supervisor would.
    auto r = run_cli(server, fetch_args("k", {"sh", "-c", "kill -TERM $PPID; sleep 5; echo done"}),
                     quick());
    CHECK(r.exit_code == 128 + 15);
    CHECK(r.err.find("signal 15") != std::string::npos);
    CHECK(c.command({"EXISTS", "k"}).integer() == 0);
    CHECK(c.command({"EXISTS", same_slot_key("k", ":lock")}).integer() == 0);
}

TEST_CASE("early refresh: a costly value near expiry is recomputed, and --beta 0 never does") {
    RedisServer server;
    Connection c = server.connect();
    std::string counter = server.dir() + "/counter";
    REQUIRE(run_cli(server, fetch_args("hot", counted(counter, "v1")), quick()).exit_code == 0);
    // Pretend v1 took far longer to compute than its TTL: XFetch must refresh it.
    c.command({"SET", same_slot_key("hot", ":delta"), "1000000000000", "PX", "60000"});
    auto kept =
        run_cli(server, fetch_args("hot", counted(counter, "v2"), {"--beta", "0"}), quick());
    CHECK(kept.out == "v1");
    auto fresh = run_cli(server, fetch_args("hot", counted(counter, "v2")), quick());
    CHECK(fresh.exit_code == 0);
    CHECK(fresh.out == "v2");
    CHECK(*c.command({"GET", "hot"}).opt_str() == "v2");
    CHECK(slurp(counter) == "run\nrun\n");
}

TEST_CASE("a waiter takes over when the computing caller died holding the lock") {
    RedisServer server;
    Connection c = server.connect();
    // A caller that crashed: its lock is there, its value never comes.
    c.command({"SET", same_slot_key("k", ":lock"), "dead-token", "PX", "1500"});
    std::string counter = server.dir() + "/counter";
    auto r = run_cli(server, fetch_args("k", counted(counter, "mine"), {"--wait", "20s"}), quick());
    CHECK(r.exit_code == 0);
    CHECK(r.out == "mine");
    CHECK(*c.command({"GET", "k"}).opt_str() == "mine");
}

TEST_CASE("--wait bounds how long a waiter waits for another caller") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", same_slot_key("k", ":lock"), "busy", "PX", "60000"});
    std::string counter = server.dir() + "/counter";
    auto r = run_cli(server, fetch_args("k", counted(counter, "x"), {"--wait", "300ms"}), quick());
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("--wait") != std::string::npos);
    CHECK(slurp(counter).empty());
}

TEST_CASE("waiters of a failing command do not hang: they share the failure, nothing is cached") {
    RedisServer server;
    Connection c = server.connect();
    std::string counter = server.dir() + "/counter";
    auto args = fetch_args("k", {"sh", "-c", "echo run >> '" + counter + "'; sleep 1; exit 4"});
    CliResult first, second;
    std::thread t1([&] { first = run_cli(server, args, quick()); });
    // Start the second caller once the first holds the lock.
    for (int i = 0; i < 500 && c.command({"EXISTS", same_slot_key("k", ":lock")}).integer() == 0;
         ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::thread t2([&] { second = run_cli(server, args, quick()); });
    t1.join();
    t2.join();
    CHECK(first.exit_code == 4);
    CHECK(second.exit_code == 4);
    CHECK(c.command({"EXISTS", "k"}).integer() == 0);
}

TEST_CASE("a server killed while the command runs leaves no value behind") {
    RedisServer server({"--appendonly", "yes", "--appendfsync", "always"});
    Connection c = server.connect();
    std::string counter = server.dir() + "/counter";
    CliResult r;
    std::thread t([&] {
        r = run_cli(server, fetch_args("k", counted(counter, "late", "sleep 1; ")), quick());
    });
    for (int i = 0; i < 500 && c.command({"EXISTS", same_slot_key("k", ":lock")}).integer() == 0;
         ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    server.kill();
    t.join();
    server.start();
    Connection after = server.connect();
    CHECK(after.command({"EXISTS", "k"}).integer() == 0);
    CHECK(after.command({"EXISTS", same_slot_key("k", ":delta")}).integer() == 0);
    CHECK(r.exit_code != 4);
}

TEST_CASE("bad input: a bad --ttl exits 2 naming the flag") {
    RedisServer server;
    auto r = run_cli(server, {"cache", "set", "k", "v", "--ttl", "5 parsecs"}, quick());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--ttl") != std::string::npos);
    auto zero = run_cli(server, {"cache", "set", "k", "v", "--ttl", "0"}, quick());
    CHECK(zero.exit_code == 2);
    CHECK(zero.err.find("--ttl") != std::string::npos);
    auto beta = run_cli(server, fetch_args("k", {"true"}, {"--beta", "-1"}), quick());
    CHECK(beta.exit_code == 2);
    CHECK(beta.err.find("--beta") != std::string::npos);
    CHECK(server.connect().command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("bad input: an unreachable server exits 3 naming the address, without the password") {
    int port = free_port();
    auto r = run_cli(
        {"-u", "redis://:s3cret@127.0.0.1:" + std::to_string(port), "cache", "get", "k"}, quick());
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(r.err.find("s3cret") == std::string::npos);
}

TEST_CASE("bad input: a key of another type exits 4 with the server's message") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"HSET", "h", "f", "v"});
    auto r = run_cli(server, {"cache", "get", "h"}, quick());
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("WRONGTYPE") != std::string::npos);
    c.command({"SET", "tag:str", "not a set"});
    auto tagged = run_cli(
        server, {"cache", "set", "{tag:str}x", "v", "--ttl", "1m", "--tag", "str"}, quick());
    CHECK(tagged.exit_code == 4);
    CHECK(tagged.err.find("WRONGTYPE") != std::string::npos);
    // Same slot, one script: the type is checked before any write.
    CHECK(c.command({"EXISTS", "{tag:str}x"}).integer() == 0);
}
