// Sentinel: a real master, a replica and a redis-sentinel; failovers forced with SENTINEL
// FAILOVER.
#include "redis/sentinel.hpp"

#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "deploy_fixture.hpp"
#include "redis/client.hpp"
#include "redis/errors.hpp"
#include "util/process.hpp"

using namespace redisops;
using namespace redisops::test;

TEST_CASE("the client asks the sentinel for the master and writes there") {
    TestSentinel deploy;
    Client client(deploy.options());
    CHECK(client.topology() == Topology::Sentinel);
    client.command_for_key("s:k", {"SET", "s:k", "v"});
    CHECK(client.connection().address().port == deploy.master().port());
    CHECK(deploy.master().connect().command({"GET", "s:k"}).str() == "v");
    auto shards = client.shards();
    REQUIRE(shards.size() == 1);
    REQUIRE(shards[0].replicas.size() == 1);
    CHECK(shards[0].replicas[0].port == deploy.replica().port());
}

TEST_CASE("after a failover the client follows the new master") {
    TestSentinel deploy;
    Client client(deploy.options());
    client.command_for_key("s:before", {"SET", "s:before", "1"});
    Script s("sentinel_set", "return redis.call('SET', KEYS[1], ARGV[1])");
    client.eval(s, {"s:script0"}, {"x"});
    // Replication is asynchronous: wait until the replica has both writes before failing over.
    REQUIRE(client.command({"WAIT", "1", "5000"}).integer() == 1);
    int new_port = deploy.failover();
    REQUIRE(new_port == deploy.replica().port());

    // The old connection still points at the old master, now a replica: the write meets
    // READONLY, nothing was written, so it is resent to the master the sentinel names now.
    client.command_for_key("s:after", {"SET", "s:after", "2"});
    CHECK(client.connection().address().port == new_port);
    Connection promoted = deploy.replica().connect();
    CHECK(promoted.command({"GET", "s:after"}).str() == "2");
    CHECK(promoted.command({"GET", "s:before"}).str() == "1");

    // A script is resent after READONLY too (it cannot have written on a replica).
    Client stale(deploy.options());
    stale.connection();  // resolved before the next failover, so it points at the old master
    REQUIRE(deploy.failover() == deploy.master().port());
    stale.eval(s, {"s:script"}, {"x"});
    CHECK(deploy.master().connect().command({"GET", "s:script"}).str() == "x");

    client.reset();
    CHECK(client.connection().address().port == deploy.master().port());
}

TEST_CASE("a lost connection to the master makes a read re-resolve and retry once") {
    TestSentinel deploy;
    Client client(deploy.options());
    client.command_for_key("s:r", {"SET", "s:r", "v"});
    // Kill our own connection from the server side: the next read finds it closed.
    deploy.master().connect().command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
    CHECK(client.command_for_key("s:r", {"GET", "s:r"}).str() == "v");
}

TEST_CASE("sentinels with their own password; a wrong one names the sentinel") {
    TestSentinel deploy("sentinel-secret");
    Client client(deploy.options());
    CHECK(client.command({"PING"}).str() == "PONG");

    ConnectionOptions bad = deploy.options();
    bad.sentinel_password = "wrong-secret";
    bad.connect_timeout = std::chrono::milliseconds(500);
    try {
        Client c(bad);
        c.command({"PING"});
        FAIL("no throw");
    } catch (const ConnectionError& e) {
        std::string msg = e.what();
        CHECK(msg.find(std::to_string(deploy.sentinel_port())) != std::string::npos);
        CHECK(msg.find("wrong-secret") == std::string::npos);
    }

    auto args = deploy.cli_args();
    args.insert(args.end(), {"cache", "set", "s:cli", "from-cli", "--ttl", "60s"});
    auto r = run_cli(args);
    CHECK(r.exit_code == 0);
    CHECK(deploy.master().connect().command({"GET", "s:cli"}).str() == "from-cli");
}

TEST_CASE("an unknown master name and unreachable sentinels are exit 3 with the reason") {
    TestSentinel deploy;
    ConnectionOptions o = deploy.options();
    o.master_name = "nosuchmaster";
    o.connect_timeout = std::chrono::milliseconds(500);
    CHECK_THROWS_WITH_AS(Client(o).command({"PING"}), doctest::Contains("nosuchmaster"),
                         ConnectionError);

    auto r = run_cli({"--sentinel", "127.0.0.1:" + std::to_string(free_port()), "--master",
                      "mymaster", "--connect-timeout", "300ms", "cache", "get", "k"});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("no sentinel") != std::string::npos);
}

namespace {

/// Reads stdout lines of `child` until `n` lines arrived or `limit` passed.
std::vector<std::string> read_lines(ChildProcess& child, std::string& buffer, size_t n,
                                    std::chrono::seconds limit) {
    std::vector<std::string> lines;
    auto until = std::chrono::steady_clock::now() + limit;
    while (lines.size() < n && std::chrono::steady_clock::now() < until) {
        pollfd p{child.stdout_fd(), POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        char buf[4096];
        ssize_t got = ::read(child.stdout_fd(), buf, sizeof buf);
        if (got <= 0) break;
        buffer.append(buf, static_cast<size_t>(got));
        for (size_t nl; (nl = buffer.find('\n')) != std::string::npos;) {
            lines.push_back(buffer.substr(0, nl));
            buffer.erase(0, nl + 1);
        }
    }
    return lines;
}

}  // namespace

TEST_CASE("stream tail -f follows the stream to the new master after a failover") {
    TestSentinel deploy;
    Client client(deploy.options());
    client.command_for_key("s:events", {"XADD", "s:events", "1-1", "n", "1"});
    SpawnOptions so;
    so.argv = {cli_path()};
    for (const auto& a : deploy.cli_args()) so.argv.push_back(a);
    so.argv.insert(so.argv.end(),
                   {"stream", "tail", "s:events", "--from", "0", "-f", "--format", "json"});
    so.capture_stdout = true;
    ChildProcess tail = ChildProcess::spawn(so);
    std::string buffer;
    auto first = read_lines(tail, buffer, 1, std::chrono::seconds(20));
    REQUIRE(first.size() == 1);
    CHECK(first[0].find("\"1-1\"") != std::string::npos);

    deploy.failover();
    // Written on the new master only after the failover: the tail must reconnect to it.
    Client after(deploy.options());
    after.command_for_key("s:events", {"XADD", "s:events", "2-1", "n", "2"});
    auto next = read_lines(tail, buffer, 1, std::chrono::seconds(30));
    tail.signal(SIGTERM);
    tail.wait();
    REQUIRE(next.size() == 1);
    CHECK(next[0].find("\"2-1\"") != std::string::npos);  // nothing skipped, nothing repeated
}
