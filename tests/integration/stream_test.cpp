// `stream tail` and `stream info` against a real redis-server.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "fixture.hpp"
#include "redis/pipeline.hpp"
#include "tail_helpers.hpp"

using namespace redisops;
using namespace redisops::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> xadd_n(Connection& c, const std::string& key, int n,
                                const std::string& tag = "n") {
    Pipeline p(c);
    for (int i = 0; i < n; ++i) p.add({"XADD", key, "*", tag, std::to_string(i)});
    std::vector<std::string> ids;
    for (auto& r : p.exec()) ids.emplace_back(r.str());
    return ids;
}

/// Clients blocked in `cmd` (CLIENT LIST shows flags=b while a blocking read waits).
int blocked_in(Connection& c, const std::string& cmd) {
    int n = 0;
    for (const auto& l : lines(std::string(c.command({"CLIENT", "LIST"}).str()))) {
        if (l.find("cmd=" + cmd + " ") != std::string::npos &&
            l.find("flags=b ") != std::string::npos) {
            ++n;
        }
    }
    return n;
}

long long calls_of(Connection& c, const std::string& cmd) {
    std::string info(c.command({"INFO", "commandstats"}).str());
    auto at = info.find("cmdstat_" + cmd + ":calls=");
    if (at == std::string::npos) return 0;
    return std::stoll(info.substr(at + cmd.size() + 15));
}

/// The pid of a running redis-ops child of this test (run_cli gives none).
}  // namespace

TEST_CASE("tail --from 0 prints 1000 entries in order and stops at the end") {
    RedisServer server;
    Connection c = server.connect();
    auto ids = xadd_n(c, "s", 1000);
    auto r = run_cli(server,
                     {"stream", "tail", "s", "--from", "0", "--format", "json", "--batch", "64"});
    REQUIRE(r.exit_code == 0);
    auto got = lines(r.out);
    REQUIRE(got.size() == 1000);
    for (size_t i = 0; i < got.size(); ++i) {
        auto j = nlohmann::json::parse(got[i]);
        CHECK(j["id"] == ids[i]);
        CHECK(j["stream"] == "s");
        CHECK(j["fields"]["n"] == std::to_string(i));
    }
}

TEST_CASE("tail prints the last 10 by default, and --count and -N bound it") {
    RedisServer server;
    Connection c = server.connect();
    auto ids = xadd_n(c, "s", 50);
    auto r = run_cli(server, {"stream", "tail", "s", "--format", "{id}\\n"});
    CHECK(r.exit_code == 0);
    CHECK(lines(r.out) == std::vector<std::string>(ids.end() - 10, ids.end()));
    r = run_cli(server,
                {"stream", "tail", "s", "--from", "0", "--count", "7", "--format", "{id}\\n"});
    CHECK(lines(r.out) == std::vector<std::string>(ids.begin(), ids.begin() + 7));
    r = run_cli(server,
                {"stream", "tail", "s", "--from", "-3", "--format", "{id}\\n", "--batch", "2"});
    CHECK(lines(r.out) == std::vector<std::string>(ids.end() - 3, ids.end()));
    r = run_cli(server, {"stream", "tail", "s", "--from", ids[47], "--format", "{id}\\n"});
    CHECK(lines(r.out) == std::vector<std::string>(ids.end() - 3, ids.end()));
}

TEST_CASE("tail -f prints exactly the entries added after it started") {
    RedisServer server;
    Connection c = server.connect();
    xadd_n(c, "s", 5);
    auto fut = tail_async(server, {"stream", "tail", "s", "-f", "--from", "$", "--count", "4",
                                   "--format", "{id} {field:n}\\n"});
    REQUIRE(wait_until([&] { return blocked_in(c, "xread") == 1; }));
    auto added = xadd_n(c, "s", 4);
    auto r = fut.get();
    CHECK(r.exit_code == 0);
    std::vector<std::string> want;
    for (size_t i = 0; i < added.size(); ++i) want.push_back(added[i] + " " + std::to_string(i));
    CHECK(lines(r.out) == want);
}

TEST_CASE("a missing stream prints nothing without -f and is waited for with -f") {
    RedisServer server;
    Connection c = server.connect();
    auto r = run_cli(server, {"stream", "tail", "nothing", "--from", "0"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    auto fut = tail_async(server,
                          {"stream", "tail", "later", "-f", "--count", "1", "--format", "{id}\\n"});
    REQUIRE(wait_until([&] { return blocked_in(c, "xread") == 1; }));
    auto ids = xadd_n(c, "later", 1);
    CHECK(lines(fut.get().out) == ids);
}

TEST_CASE("several streams are tailed at once and each line names its stream") {
    RedisServer server;
    Connection c = server.connect();
    auto a = xadd_n(c, "{t}a", 3);
    auto b = xadd_n(c, "{t}b", 2);
    auto r = run_cli(server, {"stream", "tail", "{t}a", "{t}b", "--from", "0"});
    REQUIRE(r.exit_code == 0);
    auto got = lines(r.out);
    REQUIRE(got.size() == 5);
    CHECK(got[0] == "{t}a " + a[0] + " n 0");
    CHECK(got[4] == "{t}b " + b[1] + " n 1");
    // Following both: entries on either stream arrive.
    auto fut = tail_async(server, {"stream", "tail", "{t}a", "{t}b", "-f", "--from", "$", "--count",
                                   "2", "--format", "json"});
    REQUIRE(wait_until([&] { return blocked_in(c, "xread") == 1; }));
    xadd_n(c, "{t}b", 1);
    xadd_n(c, "{t}a", 1);
    auto f = lines(fut.get().out);
    REQUIRE(f.size() == 2);
    CHECK(nlohmann::json::parse(f[0])["stream"] == "{t}b");
    CHECK(nlohmann::json::parse(f[1])["stream"] == "{t}a");
}

TEST_CASE("a group with --ack leaves nothing pending") {
    RedisServer server;
    Connection c = server.connect();
    auto ids = xadd_n(c, "s", 20);
    auto r = run_cli(server,
                     {"stream", "tail", "s", "--group", "g", "--consumer", "c1", "--create-group",
                      "--from", "0", "--ack", "--format", "{id}\\n", "--batch", "7"});
    REQUIRE(r.exit_code == 0);
    CHECK(lines(r.out) == ids);
    CHECK(c.command({"XPENDING", "s", "g"})[0].integer() == 0);
    // Run again: the group remembers its place, nothing is printed twice.
    r = run_cli(server, {"stream", "tail", "s", "--group", "g", "--consumer", "c1", "--ack"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
}

TEST_CASE("--create-group never creates the stream: without -f it says so, with -f it waits") {
    RedisServer server;
    Connection c = server.connect();
    // Without -f: nothing to read, no key written (MKSTREAM would leave one with no TTL).
    auto r = run_cli(
        server, {"stream", "tail", "new", "--group", "g", "--consumer", "c1", "--create-group"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err.find("stream new does not exist") != std::string::npos);
    CHECK(c.command({"EXISTS", "new"}).integer() == 0);

    // With -f: it waits; the entry that creates the stream is the first one printed, as the
    // group starts at 0 once the stream appears.
    auto fut = tail_async(server, {"stream", "tail", "new", "-f", "--group", "g", "--consumer",
                                   "c1", "--create-group", "--count", "3", "--format", "{id}\\n"});
    REQUIRE(wait_until([&] { return blocked_in(c, "xread") == 1; }));
    CHECK(c.command({"EXISTS", "new"}).integer() == 0);
    auto ids = xadd_n(c, "new", 3);
    auto tail = fut.get();
    INFO("stderr: " << tail.err);
    CHECK(tail.exit_code == 0);
    CHECK(lines(tail.out) == ids);
    CHECK(tail.err.find("waiting for it to be created") != std::string::npos);
    Reply groups = c.command({"XINFO", "GROUPS", "new"});
    REQUIRE(groups.size() == 1);
    CHECK(c.command({"XPENDING", "new", "g"})[0].integer() == 3);  // read, not acked

    // A stream created empty by someone else's MKSTREAM is found too.
    c.command({"XGROUP", "CREATE", "empty", "other", "$", "MKSTREAM"});
    auto empty = run_cli(
        server, {"stream", "tail", "empty", "--group", "g", "--consumer", "c1", "--create-group"});
    CHECK(empty.exit_code == 0);
    CHECK(c.command({"XINFO", "GROUPS", "empty"}).size() == 2);
}

TEST_CASE("a restarted consumer first gets its own pending entries") {
    RedisServer server;
    Connection c = server.connect();
    auto ids = xadd_n(c, "s", 12);
    auto r =
        run_cli(server, {"stream", "tail", "s", "--group", "g", "--consumer", "c1",
                         "--create-group", "--from", "0", "--count", "5", "--format", "{id}\\n"});
    REQUIRE(lines(r.out) == std::vector<std::string>(ids.begin(), ids.begin() + 5));
    CHECK(c.command({"XPENDING", "s", "g"})[0].integer() == 5);
    r = run_cli(server, {"stream", "tail", "s", "--group", "g", "--consumer", "c1", "--ack",
                         "--format", "{id}\\n"});
    REQUIRE(r.exit_code == 0);
    CHECK(lines(r.out) == ids);  // the 5 pending, then the 7 never delivered
    CHECK(c.command({"XPENDING", "s", "g"})[0].integer() == 0);
}

TEST_CASE("--claim-idle takes over entries a dead consumer left pending") {
    RedisServer server;
    Connection c = server.connect();
    auto ids = xadd_n(c, "s", 6);
    run_cli(server, {"stream", "tail", "s", "--group", "g", "--consumer", "dead", "--create-group",
                     "--from", "0", "--count", "3"});
    std::this_thread::sleep_for(50ms);
    auto r = run_cli(server, {"stream", "tail", "s", "--group", "g", "--consumer", "alive",
                              "--claim-idle", "10ms", "--ack", "--format", "{id}\\n"});
    REQUIRE(r.exit_code == 0);
    CHECK(lines(r.out) == ids);
    CHECK(c.command({"XPENDING", "s", "g"})[0].integer() == 0);
}

TEST_CASE("stream info shows groups, lag, pending and the oldest pending entry") {
    RedisServer server;
    Connection c = server.connect();
    auto ids = xadd_n(c, "s", 10);
    run_cli(server, {"stream", "tail", "s", "--group", "g", "--consumer", "c1", "--create-group",
                     "--from", "0", "--count", "4"});
    auto r = run_cli(server, {"--json", "stream", "info", "s"});
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["length"] == 10);
    auto g = j["groups"][0];
    CHECK(g["name"] == "g");
    CHECK(g["pending"] == 4);
    CHECK(g["lag"] == 6);
    CHECK(g["oldest_pending"]["id"] == ids[0]);
    CHECK(g["oldest_pending"]["idle_ms"].get<long long>() >= 0);
    CHECK(g["consumers"][0]["name"] == "c1");
    // An XDEL makes Redis 7 answer lag nil; it is then counted.
    c.command({"XDEL", "s", ids[6]});
    j = nlohmann::json::parse(run_cli(server, {"--json", "stream", "info", "s"}).out);
    CHECK(j["groups"][0]["lag"] == 5);
    r = run_cli(server, {"stream", "info", "s"});
    CHECK(r.out.find("LAG") != std::string::npos);
    CHECK(run_cli(server, {"stream", "info", "missing"}).exit_code == 1);
}

TEST_CASE("a deleted stream is reported and its new entries are read from the start") {
    RedisServer server;
    Connection c = server.connect();
    auto old = xadd_n(c, "s", 3);
    auto fut = tail_async(server, {"stream", "tail", "s", "-f", "--from", "0", "--count", "5",
                                   "--block", "100ms", "--format", "{id}\\n"});
    REQUIRE(wait_until([&] { return blocked_in(c, "xread") == 1; }));
    c.command({"DEL", "s"});
    // Two more XREADs mean a whole round (first-entry check, then XREAD) ran after the DEL.
    long long before = calls_of(c, "xread");
    REQUIRE(wait_until([&] { return calls_of(c, "xread") >= before + 2; }));
    c.command({"XADD", "s", "1-1", "n", "x"});
    c.command({"XADD", "s", "1-2", "n", "y"});
    auto r = fut.get();
    CHECK(r.exit_code == 0);
    CHECK(lines(r.out) == std::vector<std::string>{old[0], old[1], old[2], "1-1", "1-2"});
    CHECK(r.err.find("deleted or emptied") != std::string::npos);
}

TEST_CASE("tail -f survives a server restart and prints every id exactly once") {
    RedisServer server({"--appendonly", "yes", "--appendfsync", "always"});
    Connection c = server.connect();
    auto ids = xadd_n(c, "s", 20);
    auto fut = tail_async(server, {"stream", "tail", "s", "-f", "--from", "0", "--count", "60",
                                   "--format", "{id}\\n"});
    REQUIRE(wait_until([&] { return blocked_in(c, "xread") == 1; }));
    auto more = xadd_n(c, "s", 20);
    ids.insert(ids.end(), more.begin(), more.end());
    server.stop();
    server.start();
    Connection c2 = server.connect();
    REQUIRE(c2.command({"XLEN", "s"}).integer() == 40);
    more = xadd_n(c2, "s", 20);
    ids.insert(ids.end(), more.begin(), more.end());
    auto r = fut.get();
    CHECK(r.exit_code == 0);
    CHECK(lines(r.out) == ids);
    CHECK(r.err.find("reconnect") != std::string::npos);
}

TEST_CASE("Ctrl-C ends a tail -f with exit 130 and everything printed") {
    RedisServer server;
    Connection c = server.connect();
    auto ids = xadd_n(c, "s", 3);
    auto fut = tail_async(server, {"stream", "tail", "s", "-f", "--format", "{id}\\n"});
    REQUIRE(wait_until([&] { return blocked_in(c, "xread") == 1; }));
    pid_t pid = find_cli_child();
    REQUIRE(pid > 0);
    ::kill(pid, SIGINT);
    auto r = fut.get();
    CHECK(r.exit_code == 130);
    CHECK(lines(r.out) == ids);
}

TEST_CASE("bad input exits 2 and a key of another type exits 4") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "str", "x"});
    for (std::vector<std::string> args : {std::vector<std::string>{"--from", "1-x"},
                                          {"--from", "@soon"},
                                          {"--from", "-0"},
                                          {"--format", "{nope}"},
                                          {"--format", "{id"},
                                          {"--count", "0"},
                                          {"--group", "g"},
                                          {"--ack"},
                                          {"--group", "g", "--consumer", "c", "--claim-idle", "5x"},
                                          {"--batch", "0"}}) {
        args.insert(args.begin(), {"stream", "tail", "s"});
        auto r = run_cli(server, args);
        CAPTURE(args[3]);
        CHECK(r.exit_code == 2);
        CHECK_FALSE(r.err.empty());
    }
    auto r = run_cli(server, {"stream", "tail", "str"});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("WRONGTYPE") != std::string::npos);
    CHECK(run_cli(server, {"stream", "tail", "str", "-f"}).exit_code == 4);
    CHECK(run_cli(server, {"stream", "info", "str"}).exit_code == 4);
}

TEST_CASE("a group tail -f --ack survives a restart: every id once, nothing left pending") {
    RedisServer server({"--appendonly", "yes", "--appendfsync", "always"});
    Connection c = server.connect();
    auto ids = xadd_n(c, "s", 10);
    auto fut = tail_async(
        server, {"stream", "tail", "s", "-f", "--group", "g", "--consumer", "c1", "--create-group",
                 "--from", "0", "--ack", "--count", "30", "--format", "{id}\\n"});
    REQUIRE(wait_until([&] { return blocked_in(c, "xreadgroup") == 1; }));
    auto more = xadd_n(c, "s", 10);
    ids.insert(ids.end(), more.begin(), more.end());
    server.stop();
    server.start();
    Connection c2 = server.connect();
    more = xadd_n(c2, "s", 10);
    ids.insert(ids.end(), more.begin(), more.end());
    auto r = fut.get();
    CHECK(r.exit_code == 0);
    CHECK(lines(r.out) == ids);
    CHECK(c2.command({"XPENDING", "s", "g"})[0].integer() == 0);
}
