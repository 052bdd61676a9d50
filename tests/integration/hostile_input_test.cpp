// Malformed invocations: each gets a clear message and its documented exit code, never a
// crash, a stack trace, "terminate called" or a sanitizer report.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "fixture.hpp"

using namespace redisops::test;

namespace {

struct Case {
    std::vector<std::string> args;
    int code;
    std::string must_mention;  // part of the message, usually the flag
};

void check_clean(const CliResult& r) {
    for (const char* bad : {"terminate called", "Segmentation", "AddressSanitizer",
                            "runtime error:", "LeakSanitizer", "core dumped", "what():"}) {
        CHECK_MESSAGE(r.err.find(bad) == std::string::npos, r.err);
        CHECK_MESSAGE(r.out.find(bad) == std::string::npos, r.out);
    }
    CHECK(r.exit_code < 128);  // not killed by a signal
}

}  // namespace

TEST_CASE("at least forty malformed invocations exit 2 with a message naming the problem") {
    RedisServer server;
    std::string p = std::to_string(server.port());
    // Linux caps one argv string at 128 KiB (MAX_ARG_STRLEN): the largest argument a shell can
    // pass stands in for "a 1 MB argument"; 1 MB values arrive through stdin (tested below).
    std::string mb(128 * 1024 - 1, 'x');
    const std::vector<Case> cases = {
        // URLs, ports, databases
        {{"--url", "localhost:6379", "cache", "get", "k"}, 2, "--url"},
        {{"--url", "http://example.com", "cache", "get", "k"}, 2, "scheme"},
        {{"--url", "redis://127.0.0.1:0", "cache", "get", "k"}, 2, "port"},
        {{"--url", "redis://127.0.0.1:70000", "cache", "get", "k"}, 2, "port"},
        {{"--url", "redis://127.0.0.1:6379/abc", "cache", "get", "k"}, 2, "database"},
        {{"--url", "unix://relative.sock", "cache", "get", "k"}, 2, "unix"},
        {{"--url", "redis://[::1", "cache", "get", "k"}, 2, "--url"},
        {{"--url", "redis://\xff\xfe:1", "cache", "get", "k"}, 2, "--url"},
        {{"--url", mb, "cache", "get", "k"}, 2, "--url"},
        {{"-p", "0", "cache", "get", "k"}, 2, "port"},
        {{"-p", "65536", "cache", "get", "k"}, 2, "port"},
        {{"-p", "abc", "cache", "get", "k"}, 2, "port"},
        {{"-n", "-1", "cache", "get", "k"}, 2, "db"},
        {{"-s", "", "cache", "get", "k"}, 2, "socket"},
        {{"-h", "", "cache", "get", "k"}, 2, "host"},
        {{"--sentinel", "host:abc", "--master", "m", "cache", "get", "k"}, 2, "--sentinel"},
        {{"--master", "m", "cache", "get", "k"}, 2, "--sentinel"},
        {{"--tls", "--cert", "c.pem", "cache", "get", "k"}, 2, "--key"},
        {{"--cacert", "ca.pem", "cache", "get", "k"}, 2, "--tls"},
        // durations and timeouts
        {{"-p", p, "cache", "set", "k", "v", "--ttl", "-5s"}, 2, "--ttl"},
        {{"-p", p, "pubsub", "tail", "ch", "--keepalive", "0"}, 2, "--keepalive"},
        {{"-p", p, "pubsub", "tail", "ch", "--keepalive", "soon"}, 2, "--keepalive"},
        {{"-p", p, "lock", "list", "--rate", "-3"}, 2, "--rate"},
        {{"-p", p, "cache", "set", "k", "v", "--ttl", "99999999999d"}, 2, "--ttl"},
        {{"-p", p, "cache", "set", "k", "v", "--ttl", ""}, 2, "--ttl"},
        {{"-p", p, "cache", "set", "k", "v", "--ttl", "5x"}, 2, "--ttl"},
        {{"-p", p, "cache", "set", "k", "v", "--ttl", "\xff"}, 2, "--ttl"},
        {{"-p", p, "cache", "set", "k", "v", "--ttl", mb}, 2, "--ttl"},
        {{"-p", p, "--connect-timeout", "0", "cache", "get", "k"}, 2, "--connect-timeout"},
        {{"-p", p, "--timeout", "soon", "cache", "get", "k"}, 2, "--timeout"},
        // unknown flags and subcommands, missing arguments
        {{"-p", p, "--bogus", "cache", "get", "k"}, 2, "bogus"},
        {{"frobnicate"}, 2, "frobnicate"},
        {{"-p", p, "cache", "explode", "k"}, 2, "explode"},
        {{"-p", p, "cache", "set", "k", "v"}, 2, "--ttl"},
        {{"-p", p, "invalidate-tag"}, 2, "required"},
        // lock
        {{"-p", p, "lock", "acquire", ""}, 2, "name"},
        {{"-p", p, "lock", "acquire", "job", "--ttl", "-1"}, 2, "--ttl"},
        {{"-p", p, "lock", "run", "job"}, 2, "command"},
        {{"-p", p, "lock", "run", "job", "--ttl", "soon", "--", "true"}, 2, "--ttl"},
        // ratelimit
        {{"-p", p, "ratelimit", "hit", "k", "--limit", "0", "--window", "1s"}, 2, "--limit"},
        {{"-p", p, "ratelimit", "hit", "k", "--limit", "5", "--window", "0"}, 2, "--window"},
        {{"-p", p, "ratelimit", "hit", "k", "--limit", "5", "--window", "1s", "--cost", "0"},
         2,
         "--cost"},
        {{"-p", p, "ratelimit", "hit", "k", "--limit", "5", "--window", "1s", "--algorithm",
          "leaky"},
         2,
         "--algorithm"},
        {{"-p", p, "ratelimit", "hit", "k", "--limit", "99999999999999999999", "--window", "1s"},
         2,
         "--limit"},
        // session
        {{"-p", p, "session", "create", "--user-id", ""}, 2, "--user-id"},
        {{"-p", p, "session", "create", "--user-id", "u", "--field", "novalue"}, 2, "--field"},
        {{"-p", p, "session", "get", "bad\nid"}, 2, "id"},
        {{"-p", p, "session", "create", "--user-id", "u", "--ttl", "-1h"}, 2, "--ttl"},
        // stream
        {{"-p", p, "stream", "tail", "s", "--from", "yesterday"}, 2, "--from"},
        {{"-p", p, "stream", "tail", "s", "--from", "1-2-3"}, 2, "--from"},
        {{"-p", p, "stream", "tail", "s", "--count", "-1"}, 2, "--count"},
        {{"-p", p, "stream", "tail", "s", "--format", "{unclosed"}, 2, "--format"},
        // scan-audit
        {{"-p", p, "scan-audit", "--big-bytes", "1tb"}, 2, "--big-bytes"},
        {{"-p", p, "scan-audit", "--fail-on", "nonsense"}, 2, "--fail-on"},
        {{"-p", p, "scan-audit", "--max-no-ttl", "150%"}, 2, "--max-no-ttl"},
        {{"-p", p, "scan-audit", "--top", "-1"}, 2, "--top"},
        {{"-p", p, "scan-audit", "--format", "xml"}, 2, "--format"},
        {{"-p", p, "scan-audit", "--rate", "-10"}, 2, "--rate"},
    };
    CHECK(cases.size() >= 40);
    for (const auto& c : cases) {
        std::string shown = c.args.empty() ? "" : c.args.back().substr(0, 40);
        CAPTURE(shown);
        CliResult r = run_cli(c.args, cli_options("", {}, 30));
        CAPTURE(r.err.substr(0, 300));
        CHECK(r.exit_code == c.code);
        CHECK(r.err.find(c.must_mention) != std::string::npos);
        CHECK(r.err.size() < 4096);  // the 1 MB argument is not echoed back whole
        check_clean(r);
    }
    // Nothing was written by any of them.
    CHECK(server.connect().command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("keys with newlines and NUL bytes survive a round trip through stdin") {
    RedisServer server;
    std::string value("line one\nline two\0after-nul\r\n\xff", 29);
    CliResult set =
        run_cli(server, {"cache", "set", "bin:key", "-", "--ttl", "1h"}, cli_options(value));
    REQUIRE(set.exit_code == 0);
    check_clean(set);
    CHECK(*server.connect().command({"GET", "bin:key"}).opt_str() == value);
    CliResult get = run_cli(server, {"cache", "get", "bin:key"});
    CHECK(get.exit_code == 0);
    CHECK(get.out == value);

    std::string big(1 << 20, '\n');
    CliResult one_mb =
        run_cli(server, {"cache", "set", "big:key", "-", "--ttl", "1h"}, cli_options(big));
    CHECK(one_mb.exit_code == 0);
    CHECK(server.connect().command({"STRLEN", "big:key"}).integer() == 1 << 20);
}

TEST_CASE("an unreachable server exits 3 naming the address and never the password") {
    int port = free_port();
    for (auto args : std::vector<std::vector<std::string>>{
             {"cache", "get", "k"},
             {"lock", "acquire", "job"},
             {"ratelimit", "hit", "k", "--limit", "5", "--window", "1s"},
             {"session", "list", "--user-id", "u"},
             {"stream", "tail", "s"},
             {"scan-audit"}}) {
        args.insert(args.begin(),
                    {"--url", "redis://admin:hunter2-secret@127.0.0.1:" + std::to_string(port)});
        CliResult r = run_cli(args, cli_options("", {}, 30));
        CAPTURE(r.err);
        CHECK(r.exit_code == 3);
        CHECK(r.err.find(std::to_string(port)) != std::string::npos);
        CHECK(r.err.find("hunter2-secret") == std::string::npos);
        CHECK(r.out.find("hunter2-secret") == std::string::npos);
        check_clean(r);
    }
}

TEST_CASE("a server error reply exits 4 with the server's message") {
    RedisServer server;
    server.connect().command({"RPUSH", "a-list", "x"});
    CliResult r = run_cli(server, {"cache", "get", "a-list"});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("WRONGTYPE") != std::string::npos);
    check_clean(r);
    CHECK(server.connect().command({"LLEN", "a-list"}).integer() == 1);
}

TEST_CASE("a subcommand's flag before the subcommand says where it goes, and writes nothing") {
    RedisServer server;
    auto r = run_cli(server, {"--prefix", "sess:", "session", "get", "X"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--prefix belongs to 'session get' and goes after it") != std::string::npos);
    CHECK(r.err.find("unknown subcommand") == std::string::npos);
    check_clean(r);
    // Between a parent and its leaf, with the value given as --flag=value.
    auto lock = run_cli(server, {"lock", "--ttl=5s", "acquire", "job"});
    CHECK(lock.exit_code == 2);
    CHECK(lock.err.find("--ttl belongs to 'lock acquire'") != std::string::npos);
    CHECK(server.connect().command({"DBSIZE"}).integer() == 0);
    // Placed after the subcommand it works.
    auto ok = run_cli(server, {"session", "get", "X", "--prefix", "sess:"});
    CHECK(ok.exit_code == 1);  // not found, asked under sess:
}

TEST_CASE("-u '' is a usage error; an empty REDIS_URL counts as unset") {
    RedisServer server;
    auto empty =
        run_cli({"-u", "", "cache", "set", "k", "v", "--ttl", "1m"}, cli_options("", {}, 30));
    CHECK(empty.exit_code == 2);
    CHECK(empty.err.find("--url: empty URL") != std::string::npos);
    check_clean(empty);
    CHECK(server.connect().command({"DBSIZE"}).integer() == 0);

    // REDIS_URL= (exported empty, as `export REDIS_URL=` leaves it) falls back to -p.
    auto env = run_cli(server, {"cache", "set", "k", "v", "--ttl", "1m"},
                       cli_options("", {{"REDIS_URL", ""}}, 30));
    CHECK(env.exit_code == 0);
    auto conn = server.connect();
    CHECK(conn.command({"GET", "k"}).str() == "v");
    CHECK(conn.command({"PTTL", "k"}).integer() > 0);
}

TEST_CASE("--sentinel HOST without a port asks port 26379, as redis-cli does") {
    auto r = run_cli({"--sentinel", "127.0.0.1", "--master", "mymaster", "--connect-timeout",
                      "300ms", "cache", "get", "k"},
                     cli_options("", {}, 30));
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("127.0.0.1:26379") != std::string::npos);
    CHECK(r.err.find(":6379") == std::string::npos);
}

TEST_CASE("a mistyped choice lists the valid names and suggests the closest") {
    auto algo =
        run_cli({"ratelimit", "hit", "k", "--limit", "5", "--window", "1s", "--algorithm", "gcar"},
                cli_options("", {}, 30));
    CHECK(algo.exit_code == 2);
    CHECK(algo.err.find("unknown algorithm gcar (use sliding, fixed or gcra)") !=
          std::string::npos);
    CHECK(algo.err.find("Did you mean 'gcra'?") != std::string::npos);
    auto checks = run_cli({"scan-audit", "--fail-on", "no-ttl,keys-usge"}, cli_options("", {}, 30));
    CHECK(checks.exit_code == 2);
    CHECK(checks.err.find("Did you mean 'keys-usage'?") != std::string::npos);
    auto format = run_cli({"scan-audit", "--format", "jsn"}, cli_options("", {}, 30));
    CHECK(format.exit_code == 2);
    CHECK(format.err.find("use table, json, junit, prometheus or html") != std::string::npos);
}
