// `redis-ops session` over sessions that real frameworks wrote: connect-redis (express-session)
// and Spring Session's indexed repository. The fixtures write the keys byte for byte as those
// libraries do (raw commands), then the tests assert what is left in Redis.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "deploy_fixture.hpp"
#include "fixture.hpp"
#include "redis/client.hpp"
#include "session_writers.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

CliResult cli(const RedisServer& server, std::vector<std::string> args) {
    CliOptions opts;
    opts.timeout = std::chrono::seconds(60);
    return run_cli(server, std::move(args), opts);
}

nlohmann::json cli_json(const RedisServer& server, std::vector<std::string> args) {
    args.push_back("--json");
    CliResult r = cli(server, args);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out);
}

long long ttl(Connection& c, const std::string& key) { return c.command({"TTL", key}).integer(); }
bool exists(Connection& c, const std::string& key) {
    return c.command({"EXISTS", key}).integer() == 1;
}

/// Other users' sessions and keys that are no sessions at all, which must all survive.
void bystanders(Connection& c) {
    connect_set(c, "other1", "7");
    c.command({"SET", "sess:notjson", "plain text", "EX", "600"});
    c.command({"HSET", "sess:ahash", "f", "42"});
    c.command({"SET", "cache:42", "passport.user 42", "EX", "600"});
    c.command({"SET", "sessions:42", "x"});
}

void bystanders_survive(Connection& c) {
    for (const char* k : {"sess:other1", "sess:notjson", "sess:ahash", "cache:42", "sessions:42"}) {
        CHECK_MESSAGE(exists(c, k), k);
    }
}

}  // namespace

TEST_CASE("connect-redis: get reads the session nested, detected by auto, user at passport.user") {
    RedisServer server;
    Connection c = server.connect();
    connect_set(c, "s1", "42", 3'600'000);
    auto doc = cli_json(server, {"session", "get", "s1"});
    CHECK(doc["layout"] == "connect-redis");
    CHECK(doc["key"] == "sess:s1");
    CHECK(doc["user_id"] == "42");
    CHECK(doc["max_age_ms"] == 3'600'000);
    CHECK(doc["ttl_ms"].get<long long>() > 3'500'000);
    CHECK(doc["fields"]["cookie"]["httpOnly"] == true);
    CHECK(doc["fields"]["cart"][0]["qty"] == 2);
    CliResult raw = cli(server, {"session", "get", "s1", "--json"});
    auto ordered = nlohmann::ordered_json::parse(raw.out);
    CHECK(ordered["fields"].begin().key() == "cookie");  // stored order
    CHECK(ordered["fields"]["cookie"].begin().key() == "originalMaxAge");
    auto custom = cli_json(server, {"session", "get", "s1", "--layout", "connect-redis",
                                    "--user-field", "cookie.path"});
    CHECK(custom["user_id"] == "/");
}

TEST_CASE(
    "connect-redis: touch EXPIREs to the cookie's max age and leaves the JSON byte for byte") {
    RedisServer server;
    Connection c = server.connect();
    connect_set(c, "s1", "42", 3'600'000);
    std::string before(c.command({"GET", "sess:s1"}).str());
    c.command({"EXPIRE", "sess:s1", "10"});
    auto doc = cli_json(server, {"session", "touch", "s1", "--layout", "connect-redis"});
    CHECK(doc["ttl_ms"] == 3'600'000);
    CHECK(ttl(c, "sess:s1") == 3600);
    CHECK(c.command({"GET", "sess:s1"}).str() == before);
    // A session cookie without maxAge: connect-redis falls back to its ttl, one day.
    c.command({"SET", "sess:s2",
               R"({"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}})",
               "EX", "86400"});
    c.command({"EXPIRE", "sess:s2", "5"});
    REQUIRE(cli(server, {"session", "touch", "s2"}).exit_code == 0);
    CHECK(ttl(c, "sess:s2") == 86400);
    // get --touch shows the session as the touch left it.
    auto got = cli_json(server, {"session", "get", "s1", "--touch"});
    CHECK(got["ttl_ms"].get<long long>() > 3'590'000);
}

TEST_CASE("connect-redis: destroy deletes the key and nothing else") {
    RedisServer server;
    Connection c = server.connect();
    connect_set(c, "s1", "42");
    bystanders(c);
    REQUIRE(cli(server, {"session", "destroy", "s1"}).exit_code == 0);
    CHECK_FALSE(exists(c, "sess:s1"));
    bystanders_survive(c);
    CHECK(cli(server, {"session", "destroy", "s1"}).exit_code == 1);
}

TEST_CASE("connect-redis: list and destroy-all by user scan the prefix and spare everything else") {
    RedisServer server;
    Connection c = server.connect();
    for (int i = 0; i < 300; ++i) connect_set(c, "u42-" + std::to_string(i), i < 3 ? "42" : "9");
    c.command({"SET", "sess:num", R"({"cookie":{"originalMaxAge":1000},"passport":{"user":42}})",
               "EX", "600"});
    bystanders(c);
    CliResult l = cli(server, {"session", "list", "--user-id", "42", "--layout", "connect-redis",
                               "--rate", "100000", "--json"});
    REQUIRE_MESSAGE(l.exit_code == 0, l.err);
    CHECK(l.err.find("scanned") != std::string::npos);  // the note that it scanned
    auto doc = nlohmann::json::parse(l.out);
    CHECK(doc["count"] == 4);
    CHECK(doc["index"].is_null());
    CHECK(doc["scanned"]["match"] == "sess:*");
    CHECK(doc["scanned"]["keys"] == 300 + 1 + 3);
    std::set<std::string> ids;
    for (const auto& s : doc["sessions"]) ids.insert(s["id"].get<std::string>());
    CHECK(ids == std::set<std::string>{"num", "u42-0", "u42-1", "u42-2"});

    auto d = cli_json(server,
                      {"session", "destroy-all", "--user-id", "42", "--layout", "connect-redis"});
    CHECK(d["destroyed"] == 4);
    for (const auto& id : ids) CHECK_FALSE(exists(c, "sess:" + id));
    CHECK(exists(c, "sess:u42-3"));
    CHECK(c.command({"DBSIZE"}).integer() == 297 + 5);
    bystanders_survive(c);
}

TEST_CASE("spring: get decodes the JDK numbers and principal, shows objects without reading them") {
    RedisServer server;
    Connection c = server.connect();
    long long t = now_ms() - 60'000;
    spring_save(c, "6b3f0c2e-1a", "alice", t);
    auto doc = cli_json(server, {"session", "get", "6b3f0c2e-1a"});
    CHECK(doc["layout"] == "spring");
    CHECK(doc["key"] == kNs + ":sessions:6b3f0c2e-1a");
    CHECK(doc["user_id"] == "alice");
    CHECK(doc["last_accessed_time_ms"] == t);
    CHECK(doc["creation_time_ms"] == t - 5000);
    CHECK(doc["max_inactive_interval_s"] == 1800);
    // The deadline is the expires key's, not the hash's (which lives 5 minutes longer).
    CHECK(doc["ttl_ms"].get<long long>() <= 1'800'000);
    CHECK(doc["ttl_ms"].get<long long>() > 1'790'000);
    std::string ctx = doc["fields"]["sessionAttr:SPRING_SECURITY_CONTEXT"].get<std::string>();
    CHECK(ctx.starts_with("java-serialized, 69 bytes: \""));
    CHECK(doc["fields"]["sessionAttr:" + kPrincipalIndex] ==
          "java-serialized, 12 bytes: \"\\xac\\xed\\x00\\x05t\\x00\\x05alice\"");
}

TEST_CASE("spring: Jackson-serialized attributes are shown as JSON") {
    RedisServer server;
    Connection c = server.connect();
    std::string hash = kNs + ":sessions:j1";
    long long t = now_ms();
    c.command({"HSET", hash, "creationTime", std::to_string(t), "maxInactiveInterval", "600",
               "lastAccessedTime", std::to_string(t), "sessionAttr:" + kPrincipalIndex, "\"bob\"",
               "sessionAttr:cart",
               R"({"@class":"com.shop.Cart","items":["java.util.ArrayList",[1,2]]})"});
    c.command({"EXPIRE", hash, "900"});
    auto doc = cli_json(server, {"session", "get", "j1", "--layout", "spring"});
    CHECK(doc["user_id"] == "bob");
    CHECK(doc["fields"]["sessionAttr:cart"]["items"][1][1] == 2);
    auto ordered = nlohmann::ordered_json::parse(
        cli(server, {"session", "get", "j1", "--layout", "spring", "--json"}).out);
    CHECK(ordered["fields"]["sessionAttr:cart"].begin().key() == "@class");
    REQUIRE(cli(server, {"session", "touch", "j1"}).exit_code == 0);
    // Written back as Jackson writes a Long: a bare number.
    long long stamp = std::stoll(std::string(c.command({"HGET", hash, "lastAccessedTime"}).str()));
    CHECK(stamp >= t);
}

TEST_CASE(
    "spring: touch refreshes lastAccessedTime and both TTLs, and moves the expirations member") {
    RedisServer server;
    Connection c = server.connect();
    long long t = now_ms() - 10 * 60'000;  // last used 10 minutes ago
    spring_save(c, "s1", "alice", t);
    std::string hash = kNs + ":sessions:s1", expires = kNs + ":sessions:expires:s1";
    std::string old_set = kNs + ":expirations:" + std::to_string(next_minute(t + 1'800'000));
    c.command({"EXPIRE", hash, "100"});
    c.command({"EXPIRE", expires, "50"});
    long long before = now_ms();
    auto doc = cli_json(server, {"session", "touch", "s1"});
    CHECK(doc["layout"] == "spring");
    CHECK(doc["ttl_ms"] == 1'800'000);
    CHECK(ttl(c, hash) == 2100);
    CHECK(ttl(c, expires) == 1800);
    CHECK(c.command({"GET", expires}).str().empty());
    std::string stamp(c.command({"HGET", hash, "lastAccessedTime"}).str());
    REQUIRE(stamp.size() == 82);  // still a JDK Long
    CHECK(stamp.substr(0, 74) == jdk_long(0).substr(0, 74));
    long long touched = 0;
    for (size_t i = 74; i < 82; ++i)
        touched = (touched << 8) | static_cast<unsigned char>(stamp[i]);
    CHECK(touched >= before - 2000);
    CHECK(touched <= now_ms() + 2000);
    // Fields the touch does not own are left alone.
    CHECK(c.command({"HGET", hash, "creationTime"}).str() == jdk_long(t - 5000));
    CHECK(c.command({"HGET", hash, "maxInactiveInterval"}).str() == jdk_int(1800));
    std::string new_set = kNs + ":expirations:" + std::to_string(next_minute(touched + 1'800'000));
    CHECK(new_set != old_set);
    CHECK(c.command({"SISMEMBER", new_set, jdk_string("expires:s1")}).integer() == 1);
    CHECK(ttl(c, new_set) == 2100);
    CHECK_FALSE(exists(c, old_set));  // its only member moved
    CHECK(cli(server, {"session", "touch", "s1", "--ttl", "1h"}).exit_code == 2);
}

TEST_CASE("spring: destroy removes the hash, the expires key, the expirations and index members") {
    RedisServer server;
    Connection c = server.connect();
    long long t = now_ms();
    spring_save(c, "s1", "alice", t);
    spring_save(c, "s2", "alice", t);
    std::string index = kNs + ":index:" + kPrincipalIndex + ":alice";
    std::string set = kNs + ":expirations:" + std::to_string(next_minute(t + 1'800'000));
    REQUIRE(cli(server, {"session", "destroy", "s1", "--layout", "spring"}).exit_code == 0);
    CHECK_FALSE(exists(c, kNs + ":sessions:s1"));
    CHECK_FALSE(exists(c, kNs + ":sessions:expires:s1"));
    CHECK(c.command({"SISMEMBER", index, jdk_string("s1")}).integer() == 0);
    CHECK(c.command({"SISMEMBER", set, jdk_string("expires:s1")}).integer() == 0);
    CHECK(c.command({"SISMEMBER", index, jdk_string("s2")}).integer() == 1);
    CHECK(c.command({"SISMEMBER", set, jdk_string("expires:s2")}).integer() == 1);
    CHECK(exists(c, kNs + ":sessions:s2"));
}

TEST_CASE("spring: list and destroy-all go through the principal index and spare the rest") {
    RedisServer server;
    Connection c = server.connect();
    long long t = now_ms();
    spring_save(c, "a1", "alice", t - 2000);
    spring_save(c, "a2", "alice", t);
    spring_save(c, "b1", "bob", t);
    bystanders(c);
    auto l = cli_json(server, {"session", "list", "--user-id", "alice", "--layout", "spring"});
    CHECK(l["count"] == 2);
    CHECK(l["index"] == kNs + ":index:" + kPrincipalIndex + ":alice");
    CHECK(l["scanned"].is_null());
    REQUIRE(l["sessions"].size() == 2);
    CHECK(l["sessions"][0]["id"] == "a1");  // oldest first
    CHECK(l["sessions"][1]["id"] == "a2");

    auto d =
        cli_json(server, {"session", "destroy-all", "--user-id", "alice", "--layout", "spring"});
    CHECK(d["destroyed"] == 2);
    for (const char* id : {"a1", "a2"}) {
        CHECK_FALSE(exists(c, kNs + ":sessions:" + std::string(id)));
        CHECK_FALSE(exists(c, kNs + ":sessions:expires:" + std::string(id)));
    }
    CHECK_FALSE(exists(c, kNs + ":index:" + kPrincipalIndex + ":alice"));
    CHECK(exists(c, kNs + ":sessions:b1"));
    CHECK(exists(c, kNs + ":sessions:expires:b1"));
    CHECK(exists(c, kNs + ":index:" + kPrincipalIndex + ":bob"));
    bystanders_survive(c);
}

TEST_CASE("redis-ops: an index left without a TTL gets one on create and on touch") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SADD", "user_sessions:u1", "old-id"});
    CliResult r = cli(server, {"session", "create", "--user-id", "u1", "--ttl", "1h"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(ttl(c, "user_sessions:u1") > 3500);
    c.command({"PERSIST", "user_sessions:u1"});
    std::string id = r.out.substr(0, r.out.size() - 1);
    REQUIRE(cli(server, {"session", "touch", id, "--ttl", "2h"}).exit_code == 0);
    CHECK(ttl(c, "user_sessions:u1") > 7100);
    auto doc = cli_json(server, {"session", "get", id});
    CHECK(doc["layout"] == "redis-ops");
    auto audit = cli(server, {"scan-audit", "--fail-on", "no-ttl"});
    CHECK_MESSAGE(audit.exit_code == 0, audit.out);
}

TEST_CASE("auto decides per key from its type and content") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"HSET", "x:h", "user_id", "u1", "created_at", "1700000000"});
    c.command({"SET", "x:c", R"({"cookie":{"originalMaxAge":1000},"passport":{"user":"u2"}})"});
    c.command({"SET", "x:j", R"({"user_id":"u3"})"});
    c.command(
        {"HSET", "x:s", "creationTime", "1", "lastAccessedTime", "2", "maxInactiveInterval", "60"});
    c.command({"RPUSH", "x:l", "a"});
    auto layout_of = [&](const char* id) {
        return cli_json(server, {"session", "get", id, "--prefix", "x:"})["layout"]
            .get<std::string>();
    };
    CHECK(layout_of("h") == "redis-ops");
    CHECK(layout_of("c") == "connect-redis");
    CHECK(layout_of("j") == "redis-ops");
    CHECK(layout_of("s") == "spring");
    CHECK(cli(server, {"session", "get", "l", "--prefix", "x:"}).exit_code == 4);
    CHECK(cli(server, {"session", "get", "h", "--layout", "nope"}).exit_code == 2);
}

TEST_CASE("stats counts sessions, those without TTL, TTL buckets and top users exactly") {
    RedisServer server;
    Connection c = server.connect();
    connect_set(c, "c1", "42", 30'000);                                          // < 1m
    connect_set(c, "c2", "42", 7'200'000);                                       // < 1d
    connect_set(c, "c3", "7", 400LL * 86'400'000);                               // >= 365d
    c.command({"SET", "sess:c4", R"({"cookie":{},"passport":{"user":"42"}})"});  // no TTL
    c.command({"SET", "sess:bad", "not json", "EX", "100"});
    spring_save(c, "s1", "alice", now_ms());  // hash TTL 2100 s: < 1h
    c.command({"HSET", "session:r1", "user_id", "42", "created_at", "1"});
    c.command({"EXPIRE", "session:r1", std::to_string(10 * 86400)});  // < 30d
    c.command({"SADD", "user_sessions:42", "r1"});
    c.command({"SET", "unrelated", "1"});

    auto st = cli_json(server, {"session", "stats"});
    CHECK(st["sessions"] == 6);
    CHECK(st["no_ttl"] == 1);
    CHECK(st["not_sessions"] == 1);
    CHECK(st["by_layout"]["connect-redis"] == 4);
    CHECK(st["by_layout"]["spring"] == 1);
    CHECK(st["by_layout"]["redis-ops"] == 1);
    std::map<std::string, long long> b;
    for (const auto& x : st["ttl_buckets"]) b[x["bucket"]] = x["sessions"];
    CHECK(b["<1m"] == 1);
    CHECK(b["<1h"] == 1);
    CHECK(b["<1d"] == 1);
    CHECK(b["<30d"] == 1);
    CHECK(b[">=365d"] == 1);
    CHECK(b["<7d"] + b["<90d"] + b["<365d"] == 0);
    REQUIRE(st["top_users"].size() == 3);
    CHECK(st["top_users"][0]["user_id"] == "42");
    CHECK(st["top_users"][0]["sessions"] == 4);  // c1, c2, c4 and r1
    CHECK(st["users"] == 3);

    auto only = cli_json(server, {"session", "stats", "--layout", "connect-redis"});
    CHECK(only["sessions"] == 4);
    CHECK(only["keys_scanned"] == 5);
    CliResult text = cli(server, {"session", "stats"});
    CHECK(text.out.find("6 sessions (1 without TTL)") != std::string::npos);
}

TEST_CASE("connect-redis on a cluster: list and destroy-all scan every master") {
    TestCluster cluster;
    Client client(cluster.options());
    auto run = [&](const std::vector<std::string>& args) { return cluster.cli(args); };
    std::set<std::string> mine;
    for (int i = 0; i < 60; ++i) {
        std::string id = "k" + std::to_string(i);
        std::string key = "sess:" + id;
        std::string user = i % 3 == 0 ? "42" : "9";
        if (user == "42") mine.insert(id);
        client.command_for_key(key, {"SET", key, connect_json(user, 3'600'000), "EX", "3600"});
    }
    CliResult l =
        run({"session", "list", "--user-id", "42", "--layout", "connect-redis", "--json"});
    REQUIRE_MESSAGE(l.exit_code == 0, l.err);
    auto doc = nlohmann::json::parse(l.out);
    CHECK(doc["scanned"]["nodes"] == 3);
    CHECK(doc["scanned"]["keys"] == 60);
    std::set<std::string> ids;
    for (const auto& s : doc["sessions"]) ids.insert(s["id"].get<std::string>());
    CHECK(ids == mine);
    CliResult d = run({"session", "destroy-all", "--user-id", "42", "--layout", "connect-redis"});
    REQUIRE_MESSAGE(d.exit_code == 0, d.err);
    for (int i = 0; i < 60; ++i) {
        std::string key = "sess:k" + std::to_string(i);
        CHECK(client.command_for_key(key, {"EXISTS", key}).integer() == (i % 3 == 0 ? 0 : 1));
    }
}

TEST_CASE("spring on a cluster: touch and destroy send Spring's commands key by key") {
    TestCluster cluster;
    Client client(cluster.options());
    auto run = [&](const std::vector<std::string>& args) { return cluster.cli(args); };
    auto send = [&](const Args& a) { client.command_for_key(a[1], a); };
    long long t = now_ms() - 10 * 60'000;
    spring_save_with(send, "c1", "carol", t, 1800);
    spring_save_with(send, "c2", "carol", t, 1800);
    std::string hash = kNs + ":sessions:c1", expires = kNs + ":sessions:expires:c1";
    auto key_ttl = [&](const std::string& k) {
        return client.command_for_key(k, {"TTL", k}).integer();
    };
    client.command_for_key(expires, {"EXPIRE", expires, "30"});
    CliResult touched = run({"session", "touch", "c1"});
    REQUIRE_MESSAGE(touched.exit_code == 0, touched.err);
    CHECK(key_ttl(expires) == 1800);
    CHECK(key_ttl(hash) == 2100);
    CHECK(client.command_for_key(hash, {"HGET", hash, "lastAccessedTime"}).str() != jdk_long(t));

    CliResult l = run({"session", "list", "--user-id", "carol", "--layout", "spring", "--json"});
    REQUIRE_MESSAGE(l.exit_code == 0, l.err);
    CHECK(nlohmann::json::parse(l.out)["count"] == 2);
    CliResult d = run({"session", "destroy-all", "--user-id", "carol", "--layout", "spring"});
    REQUIRE_MESSAGE(d.exit_code == 0, d.err);
    for (const char* id : {"c1", "c2"}) {
        for (const std::string& k : {kNs + ":sessions:" + id, kNs + ":sessions:expires:" + id}) {
            CHECK_MESSAGE(client.command_for_key(k, {"EXISTS", k}).integer() == 0, k);
        }
    }
    std::string index = kNs + ":index:" + kPrincipalIndex + ":carol";
    CHECK(client.command_for_key(index, {"EXISTS", index}).integer() == 0);
}
