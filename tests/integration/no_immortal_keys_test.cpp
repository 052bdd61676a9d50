// "Every key redis-ops writes carries a TTL", checked the way a user would: run every
// subcommand's writing operations on an empty server, then the project's own gate,
// `scan-audit --fail-on no-ttl`, and PTTL of every key. The only keys allowed to live forever
// are the ones the test itself (the user) made persistent.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "redis/client.hpp"
#include "redis/scan_cursor.hpp"
#include "redis/script.hpp"

using namespace redisops;
using namespace redisops::test;
using namespace std::chrono_literals;

namespace {

std::string trim(std::string s) {
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

/// Runs redis-ops against `server` and requires the exit code.
std::string ok(const RedisServer& server, std::vector<std::string> args, int code = 0) {
    CAPTURE(args);
    CliOptions o;
    o.timeout = 60s;
    auto r = run_cli(server, std::move(args), o);
    CAPTURE(r.err);
    REQUIRE(r.exit_code == code);
    return trim(r.out);
}

/// Every key of the server with its PTTL (one SCAN walk, keys counted once).
std::map<std::string, long long> ttls(const RedisServer& server) {
    Connection c = server.connect();
    std::map<std::string, long long> out;
    ScanCursor cursor = ScanCursor::keys({"", "", 100});
    do {
        ScanPage page = cursor.next(c);
        for (size_t i = 0; i < page.size(); ++i) out[std::string(page[i])] = 0;
    } while (!cursor.done());
    for (auto& [key, ttl] : out) ttl = c.command({"PTTL", key}).integer();
    return out;
}

/// The audit gate passes and every key but the user's own carries a TTL.
void check_no_immortal_keys(const RedisServer& server, const std::set<std::string>& users) {
    std::vector<std::string> audit = {"scan-audit", "--fail-on", "no-ttl", "--max-no-ttl", "0"};
    for (const auto& k : users) audit.insert(audit.end(), {"--ignore", k});
    CliOptions o;
    o.timeout = 60s;
    auto r = run_cli(server, audit, o);
    CAPTURE(r.out);
    CAPTURE(r.err);
    CHECK(r.exit_code == 0);
    for (const auto& [key, ttl] : ttls(server)) {
        if (users.count(key)) continue;
        CAPTURE(key);
        CHECK(ttl > 0);
    }
}

}  // namespace

TEST_CASE("every subcommand's writes leave only keys with a TTL") {
    RedisServer server, second, third;
    Connection c = server.connect();
    // The user's own keys: a stream to read as a group, and a legacy key for `expire` to fix.
    c.command({"XADD", "orders", "*", "id", "1"});
    c.command({"SET", "legacy:1", "v"});

    // cache
    ok(server, {"cache", "set", "page:1", "html", "--ttl", "1h"});
    ok(server, {"cache", "set", "page:2", "html", "--ttl", "1h", "--tag", "pages", "--tag", "v2"});
    ok(server, {"cache", "fetch", "report", "--ttl", "10m", "--tag", "reports", "--", "sh", "-c",
                "echo fresh"});
    ok(server, {"cache", "fetch", "report", "--ttl", "10m", "--", "sh", "-c", "echo again"});
    ok(server, {"invalidate-tag", "v2"});

    // session
    std::string id = ok(server, {"session", "create", "--user-id", "42", "--ttl", "1h"});
    std::string other = ok(
        server, {"session", "create", "--user-id", "42", "--ttl", "2h", "--field", "role=admin"});
    ok(server, {"session", "touch", id, "--ttl", "3h"});
    ok(server, {"session", "destroy", other});

    // lock, on one server and over Redlock
    std::string token = ok(server, {"lock", "acquire", "deploy", "--ttl", "1m"});
    ok(server, {"lock", "extend", "deploy", "--token", token, "--ttl", "2m"});
    ok(server, {"lock", "release", "deploy", "--token", token});
    ok(server, {"lock", "acquire", "kept", "--ttl", "5m"});
    ok(server, {"lock", "run", "job", "--ttl", "1s", "--", "sh", "-c", "sleep 0.5"});
    const std::string urls = server.url() + "," + second.url() + "," + third.url();
    std::string rl = ok(server, {"lock", "acquire", "quorum", "--redlock", urls});
    ok(server, {"lock", "extend", "quorum", "--token", rl, "--redlock", urls});
    ok(server, {"lock", "acquire", "quorum-held", "--redlock", urls});
    ok(server, {"lock", "run", "quorum-run", "--redlock", urls, "--", "true"});

    // ratelimit: every algorithm, allowed and limited
    for (const char* algorithm : {"sliding", "fixed", "gcra"}) {
        ok(server, {"ratelimit", "hit", std::string("api-") + algorithm, "--limit", "1", "--window",
                    "1m", "--algorithm", algorithm});
        ok(server,
           {"ratelimit", "hit", std::string("api-") + algorithm, "--limit", "1", "--window", "1m",
            "--algorithm", algorithm},
           1);
    }

    // stream: a consumer group is not a key; the stream is the user's
    ok(server, {"stream", "tail", "orders", "--group", "billing", "--consumer", "w1",
                "--create-group", "--from", "0"});
    // --create-group on a stream that does not exist creates no stream (no MKSTREAM)
    ok(server,
       {"stream", "tail", "not-yet", "--group", "billing", "--consumer", "w1", "--create-group"});

    // expire gives the user's legacy key a TTL and writes no key of its own
    ok(server, {"expire", "--match", "legacy:*", "--ttl", "1d"});

    auto keys = ttls(server);
    CHECK(keys.count("{lock:kept}:fence") == 1);
    CHECK(keys.count("{lock:kept}:holder") == 1);
    CHECK(keys.count("{report}:delta") == 1);
    CHECK(keys.count("tag:reports") == 1);
    check_no_immortal_keys(server, {"orders"});
    check_no_immortal_keys(second, {});
    check_no_immortal_keys(third, {});
}

TEST_CASE("an invalidation cut short after the rename leaves its tombstone registry with a TTL") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SADD", "tag:big", "k1", "k2"});
    c.command({"PEXPIRE", "tag:big", "3600000"});
    // The first step of invalidate-tag alone, as if the process died before draining.
    Client client(parse_url(server.url()));
    client.eval(Script("tag_tombstone"),
                {"tag:big", "{tag:big}:tombstone:1", "{tag:big}:tombstones"}, {});
    CHECK(c.command({"SISMEMBER", "{tag:big}:tombstones", "{tag:big}:tombstone:1"}).integer() == 1);
    CHECK(c.command({"PTTL", "{tag:big}:tombstones"}).integer() >= 3600000 - 1000);
    // The rerun finishes the drain and leaves nothing behind.
    ok(server, {"invalidate-tag", "big"});
    CHECK(ttls(server).empty());
}
