// Server-side faults: OOM, a read-only replica, missing ACL permissions, a slow server, and
// secrets that must never reach any output.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"

using namespace redisops::test;

namespace {

bool mentions(const CliResult& r, const std::string& text) {
    return r.err.find(text) != std::string::npos || r.out.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("an OOM reply exits 4 with the server's message and writes nothing") {
    RedisServer server({"--maxmemory", "2mb", "--maxmemory-policy", "noeviction"});
    auto c = server.connect();
    std::string blob(64 * 1024, 'x');
    for (int i = 0; i < 200; ++i) {
        if (c.command_unchecked({"SET", "fill:" + std::to_string(i), blob}).is_error()) break;
    }
    CliResult r = run_cli(server, {"cache", "set", "new-key", "value", "--ttl", "1h"});
    CAPTURE(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("OOM") != std::string::npos);
    CHECK(c.command({"EXISTS", "new-key"}).integer() == 0);
}

TEST_CASE("a write to a read-only replica exits 4 naming the replica") {
    RedisServer master;
    RedisServer replica({"--replicaof", "127.0.0.1", std::to_string(master.port())});
    CliResult r = run_cli(replica, {"cache", "set", "k", "v", "--ttl", "1h"});
    CAPTURE(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("READONLY") != std::string::npos);
    CHECK(r.err.find(std::to_string(replica.port())) != std::string::npos);
}

TEST_CASE("AUTH failures and missing ACL permissions exit 4 naming what is missing") {
    RedisServer server;
    auto c = server.connect();
    c.command(
        {"ACL", "SETUSER", "noscript", "on", ">pw-noscript", "~*", "&*", "+@all", "-@scripting"});
    c.command({"ACL", "SETUSER", "nokeys", "on", ">pw-nokeys", "~*", "&*", "+@all", "-keys"});

    CliResult wrong =
        run_cli(server, {"--user", "noscript", "-a", "not-the-password", "cache", "get", "k"});
    CHECK(wrong.exit_code == 4);
    CHECK(wrong.err.find("AUTH") != std::string::npos);
    CHECK_FALSE(mentions(wrong, "not-the-password"));

    // --user comes from the flag; the password from the environment, quietly.
    CliResult noscript = run_cli(
        server, {"--user", "noscript", "ratelimit", "hit", "k", "--limit", "5", "--window", "1m"},
        cli_options("", {{"REDISCLI_AUTH", "pw-noscript"}}));
    CAPTURE(noscript.err);
    CHECK(noscript.exit_code == 4);
    CHECK(noscript.err.find("NOPERM") != std::string::npos);
    CHECK(noscript.err.find("evalsha") != std::string::npos);
    CHECK(noscript.err.find("Warning") == std::string::npos);  // no -a, no warning

    CliResult audit = run_cli(server, {"--user", "nokeys", "scan-audit", "--json"},
                              cli_options("", {{"REDISCLI_AUTH", "pw-nokeys"}}));
    CAPTURE(audit.out);
    // The audit itself does not need KEYS; its KEYS-permission check says KEYS is denied.
    CHECK(audit.exit_code == 0);
}

TEST_CASE("a server slower than --timeout exits 3") {
    RedisServer server;
    std::thread sleeper([&] {
        auto c = server.connect();
        c.command({"DEBUG", "SLEEP", "2"});
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CliResult r = run_cli(server, {"--timeout", "300ms", "cache", "get", "k"});
    sleeper.join();
    CAPTURE(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("timed out") != std::string::npos);
}

TEST_CASE("a password from the URL, -a or REDISCLI_AUTH never appears in any output") {
    const std::string secret = "s3cr3t-Pa55word";
    RedisServer server({"--requirepass", secret});
    std::string p = std::to_string(server.port());
    std::vector<std::pair<std::vector<std::string>, std::map<std::string, std::string>>> runs = {
        {{"--url", "redis://:" + secret + "@127.0.0.1:" + p, "cache", "get", "missing"}, {}},
        {{"--url", "redis://:" + secret + "@127.0.0.1:" + p, "--json", "lock", "status", "j"}, {}},
        {{"--url", "redis://:" + secret + "@127.0.0.1:1", "cache", "get", "k"}, {}},
        {{"--url", "redis://:" + secret + "@127.0.0.1:" + p + "/notadb", "cache", "get", "k"}, {}},
        {{"--url", "redis://:wrong-" + secret + "@127.0.0.1:" + p, "cache", "get", "k"}, {}},
        {{"-p", p, "-a", secret, "cache", "get", "missing"}, {}},
        {{"-p", p, "-a", secret, "--help"}, {}},
        {{"-p", p, "cache", "get", "missing"}, {{"REDISCLI_AUTH", secret}}},
        {{"-p", p, "--json", "scan-audit"}, {{"REDISCLI_AUTH", secret}}},
        {{"--help"}, {{"REDISCLI_AUTH", secret}, {"REDIS_URL", "redis://:" + secret + "@h:1"}}},
        {{"cache", "get", "k"}, {{"REDIS_URL", "redis://:" + secret + "@127.0.0.1:1"}}},
    };
    for (const auto& [args, env] : runs) {
        CliResult r = run_cli(args, cli_options("", env, 30));
        CAPTURE(r.err);
        CHECK_FALSE(mentions(r, secret));
        CHECK(r.exit_code != 70);
    }
    CliResult warned = run_cli({"-p", p, "-a", secret, "cache", "get", "missing"});
    CHECK(warned.err.find("Warning: Using a password with '-a'") != std::string::npos);
    CliResult quiet =
        run_cli({"-p", p, "cache", "get", "missing"}, cli_options("", {{"REDISCLI_AUTH", secret}}));
    CHECK(quiet.exit_code == 1);
    CHECK(quiet.err.find("Warning") == std::string::npos);
}
