// Output integrity: every subcommand that prints fails with exit 74 and one clear message when
// its output cannot be written (`> /dev/full`), changes nothing in Redis beyond what it did
// before printing, and a reader that goes away (`| head`) still ends it quietly with 141.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "fixture.hpp"
#include "redis/pipeline.hpp"
#include "tail_helpers.hpp"

using namespace redisops;
using namespace redisops::test;
using namespace std::chrono_literals;

namespace {

const std::string kNoSpace = "redis-ops: cannot write output: No space left on device\n";

CliOptions to_dev_full() {
    CliOptions o;
    o.stdout_path = "/dev/full";
    o.timeout = std::chrono::seconds(60);
    return o;
}

/// Runs redis-ops against `server` with its stdout on /dev/full.
CliResult run_full(const RedisServer& server, std::vector<std::string> args) {
    return run_cli(server, std::move(args), to_dev_full());
}

#define CHECK_OUTPUT_ERROR(r)                                        \
    do {                                                             \
        const CliResult& res_ = (r);                                 \
        INFO("stderr: " << res_.err);                                \
        CHECK(res_.exit_code == 74);                                 \
        CHECK(res_.err.find(kNoSpace) != std::string::npos);         \
        CHECK(res_.err.find("internal error") == std::string::npos); \
    } while (0)

/// `redis-ops ARGS | head -c BYTES`: redis-ops's exit status and its stderr.
CliResult into_head(const RedisServer& server, std::vector<std::string> args,
                    const std::string& head_args) {
    std::vector<std::string> argv = {
        "bash", "-c", "\"$@\" | head " + head_args + " >/dev/null; echo \"${PIPESTATUS[0]}\"",
        "bash", cli_path()};
    auto p = server.port_args();
    argv.insert(argv.end(), p.begin(), p.end());
    argv.insert(argv.end(), args.begin(), args.end());
    CliOptions o;
    o.timeout = std::chrono::seconds(90);
    CliResult r = run_command(argv, o);
    r.exit_code = std::stoi(r.out.empty() ? "-1" : r.out);
    return r;
}

void add_entries(Connection& c, const std::string& stream, int n, size_t payload = 16) {
    Pipeline p(c);
    for (int i = 0; i < n; ++i) {
        p.add({"XADD", stream, "*", "n", std::to_string(i), "payload", std::string(payload, 'p')});
    }
    for (const auto& r : p.exec()) REQUIRE_FALSE(r.is_error());
}

}  // namespace

TEST_CASE("cache get into a full disk exits 74 and the value stays cached") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "small", "value", "EX", "600"});
    c.command({"SET", "big", std::string(1 << 20, 'v'), "EX", "600"});
    CHECK_OUTPUT_ERROR(run_full(server, {"cache", "get", "small"}));
    CHECK_OUTPUT_ERROR(run_full(server, {"cache", "get", "big"}));  // bigger than the buffer
    CHECK_OUTPUT_ERROR(run_full(server, {"--json", "cache", "get", "small"}));
    CHECK(c.command({"GET", "small"}).str() == "value");
    CHECK(c.command({"TTL", "small"}).integer() > 500);
    // A miss prints nothing, so there is nothing to fail: still the negative answer.
    CHECK(run_full(server, {"cache", "get", "absent"}).exit_code == 1);
}

TEST_CASE("cache get with stdout closed exits 74 instead of writing into the Redis socket") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "k", "PING\r\n", "EX", "600"});
    std::vector<std::string> argv = {"bash", "-c", "\"$@\" >&-", "bash", cli_path()};
    auto p = server.port_args();
    argv.insert(argv.end(), p.begin(), p.end());
    argv.insert(argv.end(), {"cache", "get", "k"});
    CliResult r = run_command(argv);
    CHECK(r.exit_code == 74);
    CHECK(r.err.find("redis-ops: cannot write output: Bad file descriptor") != std::string::npos);
    CHECK(c.command({"GET", "k"}).str() == "PING\r\n");
}

TEST_CASE("scan-audit into a full disk exits 74 in every format, even with gates crossed") {
    RedisServer server;
    Connection c = server.connect();
    Pipeline p(c);
    for (int i = 0; i < 200; ++i) p.add({"SET", "user:" + std::to_string(i) + ":profile", "x"});
    p.add({"SET", "blob", std::string(200'000, 'b')});
    for (const auto& r : p.exec()) REQUIRE_FALSE(r.is_error());
    for (const char* format : {"table", "json", "junit"}) {
        CAPTURE(format);
        CHECK_OUTPUT_ERROR(run_full(server, {"scan-audit", "--format", format}));
        // Findings over a gate would exit 1; an unwritten report is worse than that.
        CHECK_OUTPUT_ERROR(
            run_full(server, {"scan-audit", "--format", format, "--fail-on", "no-ttl,big"}));
    }
    CHECK_OUTPUT_ERROR(run_full(server, {"--json", "scan-audit"}));
    CHECK(c.command({"DBSIZE"}).integer() == 201);  // an audit never writes
}

TEST_CASE("scan-audit progress goes to a terminal on stderr, never into the report") {
    RedisServer server;
    Connection c = server.connect();
    Pipeline p(c);
    for (int i = 0; i < 2000; ++i) p.add({"SET", "user:" + std::to_string(i), "x"});
    for (const auto& r : p.exec()) REQUIRE_FALSE(r.is_error());
    TempDir dir;
    std::string report = dir.path() + "/report.json";
    // script(1) gives redis-ops a terminal on stderr (and stdin) while stdout is redirected.
    std::string line = cli_path() + " -p " + std::to_string(server.port()) +
                       " scan-audit --count 50 --format json > " + report;
    CliResult r = run_command({"script", "-q", "-e", "-c", line, "/dev/null"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out);
    CHECK(r.out.find("scan-audit: ") != std::string::npos);  // the progress line, on the tty
    std::ifstream in(report);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find('\r') == std::string::npos);
    CHECK(nlohmann::json::parse(text)["keys_scanned"] == 2000);

    r = run_command({"script", "-q", "-e", "-c",
                     cli_path() + " -p " + std::to_string(server.port()) +
                         " scan-audit --format json > /dev/full",
                     "/dev/null"});
    CHECK(r.exit_code == 74);
    CHECK(r.out.find("redis-ops: cannot write output: No space left on device") !=
          std::string::npos);
}

TEST_CASE("stream tail into a full disk exits 74, with and without --follow") {
    RedisServer server;
    Connection c = server.connect();
    add_entries(c, "s", 50);
    CHECK_OUTPUT_ERROR(run_full(server, {"stream", "tail", "s", "--from", "0"}));
    CHECK_OUTPUT_ERROR(run_full(server, {"stream", "tail", "s"}));  // the last 10
    CHECK_OUTPUT_ERROR(
        run_full(server, {"stream", "tail", "s", "--from", "0", "--format", "json"}));
    // -f must not take the failed write for a lost connection and retry forever.
    CliResult follow = run_full(server, {"stream", "tail", "s", "-f", "--from", "0"});
    CHECK_OUTPUT_ERROR(follow);
    CHECK(follow.err.find("reconnecting") == std::string::npos);
    CHECK(c.command({"XLEN", "s"}).integer() == 50);
}

TEST_CASE("stream tail --ack into a full disk acks nothing it could not print") {
    RedisServer server;
    Connection c = server.connect();
    add_entries(c, "s", 20);
    CHECK_OUTPUT_ERROR(run_full(server, {"stream", "tail", "s", "--group", "g", "--consumer", "c1",
                                         "--create-group", "--from", "0", "--ack"}));
    // The entries were delivered to c1 but never printed: they stay pending, to be read again.
    Reply pending = c.command({"XPENDING", "s", "g"});
    CHECK(pending[0].integer() == 20);
    CliResult again = run_cli(server, {"stream", "tail", "s", "--group", "g", "--consumer", "c1",
                                       "--ack", "--format", "{field:n}\\n"});
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    CHECK(lines(again.out).size() == 20);
    CHECK(c.command({"XPENDING", "s", "g"})[0].integer() == 0);
}

TEST_CASE("pubsub tail into a full disk exits 74 at the first message") {
    RedisServer server;
    Connection c = server.connect();
    auto fut = std::async(std::launch::async, [&server] {
        return run_full(server, {"pubsub", "tail", "news"});
    });
    REQUIRE(wait_until([&] { return c.command({"PUBSUB", "NUMSUB", "news"})[1].integer() == 1; }));
    // Published until the tail is gone: the first one that reaches it must end it.
    CHECK(wait_until([&] {
        c.command({"PUBLISH", "news", "hello"});
        return fut.wait_for(50ms) == std::future_status::ready;
    }));
    CliResult r = fut.get();
    CHECK_OUTPUT_ERROR(r);
    CHECK(r.err.find("reconnecting") == std::string::npos);
    CHECK(wait_until([&] { return c.command({"PUBSUB", "NUMSUB", "news"})[1].integer() == 0; }));
}

TEST_CASE("session get and list into a full disk exit 74 and leave the session as it was") {
    RedisServer server;
    Connection c = server.connect();
    CliResult created = run_cli(server, {"session", "create", "--user-id", "u1", "--ttl", "1h"});
    REQUIRE(created.exit_code == 0);
    std::string id = created.out.substr(0, created.out.find('\n'));
    CHECK_OUTPUT_ERROR(run_full(server, {"session", "get", id, "--json"}));
    CHECK_OUTPUT_ERROR(run_full(server, {"session", "get", id}));
    CHECK_OUTPUT_ERROR(run_full(server, {"session", "list", "--user-id", "u1", "--json"}));
    CHECK_OUTPUT_ERROR(run_full(server, {"session", "list", "--user-id", "u1"}));
    CHECK(c.command({"HGET", "session:" + id, "user_id"}).str() == "u1");
    CHECK(c.command({"TTL", "session:" + id}).integer() > 3500);
    CHECK(c.command({"SISMEMBER", "user_sessions:u1", id}).integer() == 1);
    // A failed write after the session was created is still a failure: the id is lost to the
    // caller, so it must not look like success.
    CHECK_OUTPUT_ERROR(run_full(server, {"session", "create", "--user-id", "u2"}));
    CHECK_OUTPUT_ERROR(run_full(server, {"--json", "session", "create", "--user-id", "u2"}));
    // ... and the session whose id was lost is gone again, index entry included.
    CHECK(c.command({"EXISTS", "user_sessions:u2"}).integer() == 0);
    CHECK(c.command({"SCARD", "user_sessions:u1"}).integer() == 1);
}

TEST_CASE("lock status into a full disk exits 74 and changes nothing") {
    RedisServer server;
    Connection c = server.connect();
    CliResult acquired = run_cli(server, {"lock", "acquire", "job", "--ttl", "60s"});
    REQUIRE(acquired.exit_code == 0);
    std::string token = acquired.out.substr(0, acquired.out.find('\n'));
    std::string fence(c.command({"GET", "{lock:job}:fence"}).str());
    CHECK_OUTPUT_ERROR(run_full(server, {"lock", "status", "job"}));
    CHECK_OUTPUT_ERROR(run_full(server, {"--json", "lock", "status", "job"}));
    CHECK_OUTPUT_ERROR(run_full(server, {"lock", "status", "free"}));
    CHECK(c.command({"GET", "lock:job"}).str() == token);
    CHECK(c.command({"PTTL", "lock:job"}).integer() > 50'000);
    CHECK(c.command({"GET", "{lock:job}:fence"}).str() == fence);
    CHECK(c.command({"EXISTS", "lock:free"}).integer() == 0);
}

TEST_CASE("lock acquire whose token cannot be written exits 74 and gives the lock back") {
    RedisServer server;
    Connection c = server.connect();
    CHECK_OUTPUT_ERROR(run_full(server, {"lock", "acquire", "deploy", "--ttl", "10m"}));
    CHECK_OUTPUT_ERROR(run_full(server, {"--json", "lock", "acquire", "deploy", "--ttl", "10m"}));
    // Nobody got the token, so the lock must not stay held for ten minutes.
    CHECK(c.command({"EXISTS", "lock:deploy"}).integer() == 0);
    CHECK(c.command({"EXISTS", "{lock:deploy}:holder"}).integer() == 0);
    CHECK(run_cli(server, {"lock", "acquire", "deploy", "--ttl", "10m"}).exit_code == 0);
}

TEST_CASE("ratelimit hit --json into a full disk exits 74 and is counted exactly once") {
    RedisServer server;
    CHECK_OUTPUT_ERROR(
        run_full(server, {"--json", "ratelimit", "hit", "api", "--limit", "5", "--window", "1h"}));
    CliResult status =
        run_cli(server, {"--json", "ratelimit", "status", "api", "--limit", "5", "--window", "1h"});
    REQUIRE_MESSAGE(status.exit_code == 0, status.err);
    CHECK(nlohmann::json::parse(status.out)["remaining"] == 4);
    // A limited hit (exit 1 otherwise) whose answer cannot be written is 74 too.
    for (int i = 0; i < 4; ++i) {
        run_cli(server, {"ratelimit", "hit", "api", "--limit", "5", "--window", "1h"});
    }
    CHECK_OUTPUT_ERROR(
        run_full(server, {"ratelimit", "hit", "api", "--limit", "5", "--window", "1h"}));
}

TEST_CASE("help, version and completions into a full disk exit 74") {
    for (std::vector<std::string> args : {std::vector<std::string>{"--help"},
                                          {"lock", "--help"},
                                          {"--version"},
                                          {"completions", "bash"}}) {
        CAPTURE(args.front());
        CHECK_OUTPUT_ERROR(run_cli(args, to_dev_full()));
    }
}

TEST_CASE("a reader that goes away ends stream tail -f quietly with 141") {
    RedisServer server;
    Connection c = server.connect();
    // Far more than a pipe holds, so the tail is still writing when head has gone.
    add_entries(c, "s", 5000, 100);
    CliResult r = into_head(server, {"stream", "tail", "s", "-f", "--from", "0"}, "-n 1");
    CHECK(r.exit_code == 141);
    CHECK(r.err.empty());
}

TEST_CASE("a reader that goes away ends pubsub tail quietly with 141") {
    RedisServer server;
    Connection c = server.connect();
    auto fut = std::async(std::launch::async, [&server] {
        return into_head(server, {"pubsub", "tail", "ch"}, "-n 1");
    });
    // head exits after the first line; the next message the tail writes meets the closed pipe.
    CHECK(wait_until([&] {
        c.command({"PUBLISH", "ch", "m"});
        return fut.wait_for(50ms) == std::future_status::ready;
    }));
    CliResult r = fut.get();
    CHECK(r.exit_code == 141);
    CHECK(r.err.find("cannot write") == std::string::npos);
    CHECK(r.err.find("internal error") == std::string::npos);
}

TEST_CASE("a reader that goes away ends a large scan-audit report quietly with 141") {
    RedisServer server;
    Connection c = server.connect();
    Pipeline p(c);
    std::string name(150, 'k');
    for (int i = 0; i < 5000; ++i) p.add({"SET", name + std::to_string(i), "x"});
    for (const auto& r : p.exec()) REQUIRE_FALSE(r.is_error());
    for (const char* format : {"table", "json"}) {
        CAPTURE(format);
        CliResult r = into_head(
            server, {"scan-audit", "--format", format, "--big-bytes", "1", "--top", "5000"},
            "-c 100");
        CHECK(r.exit_code == 141);
        CHECK(r.err.empty());
    }
}
