// `redis-ops session` against a real redis-server: what lands in Redis, and what comes back out.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "deploy_fixture.hpp"
#include "fixture.hpp"
#include "redis/client.hpp"
#include "redis/pipeline.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

std::map<std::string, std::string> hgetall(Connection& c, const std::string& key) {
    Reply r = c.command({"HGETALL", key});
    std::map<std::string, std::string> out;
    for (size_t i = 0; i + 1 < r.size(); i += 2) out[std::string(r[i].str())] = r[i + 1].str();
    return out;
}

long long pttl(Connection& c, const std::string& key) { return c.command({"PTTL", key}).integer(); }

/// Creates a session through the CLI and returns its id.
std::string create(const RedisServer& server, std::vector<std::string> extra) {
    std::vector<std::string> args = {"session", "create"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliOptions opts;
    opts.timeout = std::chrono::seconds(30);
    CliResult r = run_cli(server, args, opts);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return trim(r.out);
}

CliResult cli(const RedisServer& server, std::vector<std::string> args) {
    CliOptions opts;
    opts.timeout = std::chrono::seconds(60);
    return run_cli(server, std::move(args), opts);
}

/// Runs a Python snippet with redis-py (python3-redis) connected to the server as `r`.
void python_redis(const RedisServer& server, const std::string& code) {
    std::string script =
        "import sys, json, redis\n"
        "r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]))\n" +
        code;
    SpawnOptions spawn;
    spawn.argv = {"/usr/bin/python3", "-c", script, std::to_string(server.port())};
    auto child = ChildProcess::spawn(spawn);
    REQUIRE_MESSAGE(child.wait() == 0, "python3 with python3-redis failed");
}

}  // namespace

TEST_CASE("create writes the hash, its TTL and the index entry with a TTL at least as long") {
    RedisServer server;
    Connection c = server.connect();
    long long before = c.command({"TIME"})[0].integer();
    std::string id = create(server, {"--user-id", "u1", "--ttl", "1h", "--field", "ip=10.0.0.1",
                                     "--field", "note=a=b", "--field", "empty="});
    CHECK(id.size() == 43);
    CHECK(
        id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
    auto h = hgetall(c, "session:" + id);
    CHECK(h["user_id"] == "u1");
    CHECK(h["ip"] == "10.0.0.1");
    CHECK(h["note"] == "a=b");
    CHECK(h["empty"] == "");
    CHECK(h["max_age_ms"] == "3600000");
    long long created = std::stoll(h["created_at"]);
    CHECK(created >= before);
    CHECK(created <= c.command({"TIME"})[0].integer());
    long long t = pttl(c, "session:" + id);
    CHECK(t > 3'000'000);
    CHECK(t <= 3'600'000);
    CHECK(c.command({"TYPE", "user_sessions:u1"}).str() == "set");
    CHECK(c.command({"SISMEMBER", "user_sessions:u1", id}).integer() == 1);
    CHECK(pttl(c, "user_sessions:u1") > 3'000'000);

    // A longer session raises the index TTL; a shorter one never lowers it.
    std::string longer = create(server, {"--user-id", "u1", "--ttl", "2h"});
    CHECK(pttl(c, "user_sessions:u1") > 6'000'000);
    std::string shorter = create(server, {"--user-id", "u1", "--ttl", "1m"});
    CHECK(pttl(c, "user_sessions:u1") > 6'000'000);
    CHECK(pttl(c, "session:" + shorter) <= 60'000);
    CHECK(c.command({"SCARD", "user_sessions:u1"}).integer() == 3);
    CHECK(id != longer);
}

TEST_CASE("create with --json and custom prefixes reports where it wrote") {
    RedisServer server;
    Connection c = server.connect();
    CliResult r = cli(server, {"session", "create", "--user-id", "u2", "--prefix",
                               "app:s:", "--index-prefix", "app:idx:", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto doc = nlohmann::json::parse(r.out);
    std::string id = doc["id"];
    CHECK(doc["key"] == "app:s:" + id);
    CHECK(doc["index"] == "app:idx:u2");
    CHECK(doc["ttl_ms"] == 86'400'000);
    CHECK(c.command({"HGET", "app:s:" + id, "user_id"}).str() == "u2");
    CHECK(c.command({"SISMEMBER", "app:idx:u2", id}).integer() == 1);
    CHECK(c.command({"EXISTS", "session:" + id}).integer() == 0);
}

TEST_CASE("get prints a hash session as a table and as JSON with its remaining TTL") {
    RedisServer server;
    std::string id = create(server, {"--user-id", "u1", "--ttl", "1h", "--field", "ip=10.0.0.1"});
    CliResult text = cli(server, {"session", "get", id});
    REQUIRE_MESSAGE(text.exit_code == 0, text.err);
    CHECK(text.out.find("u1") != std::string::npos);
    CHECK(text.out.find("10.0.0.1") != std::string::npos);
    CHECK(text.out.find("FIELD") != std::string::npos);
    CliResult json = cli(server, {"session", "get", id, "--json"});
    REQUIRE(json.exit_code == 0);
    auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["id"] == id);
    CHECK(doc["user_id"] == "u1");
    CHECK(doc["format"] == "hash");
    CHECK(doc["fields"]["ip"] == "10.0.0.1");
    CHECK_FALSE(doc["fields"].contains("user_id"));
    CHECK(doc["created_at"].is_number_integer());
    CHECK(doc["ttl_ms"].get<long long>() > 3'000'000);
    CHECK(doc["max_age_ms"] == 3'600'000);
}

TEST_CASE("get reads sessions stored as JSON strings by other clients, nested values nested") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "session:raw1", R"({"user_id":"u9","created_at":1700000000,"role":"admin"})",
               "EX", "600"});
    python_redis(server,
                 "r.setex('session:py1', 900, json.dumps({'user_id': 77, 'cart': [1, 2]}))\n"
                 "r.setex('sess:connect1', 900, json.dumps({'cookie': {'originalMaxAge': "
                 "3600000, 'httpOnly': True, 'path': '/'}, 'views': 3}))\n");

    auto raw = nlohmann::json::parse(cli(server, {"session", "get", "raw1", "--json"}).out);
    CHECK(raw["format"] == "json");
    CHECK(raw["user_id"] == "u9");
    CHECK(raw["created_at"] == 1700000000);
    CHECK(raw["fields"]["role"] == "admin");
    CHECK(raw["ttl_ms"].get<long long>() > 500'000);

    auto py = nlohmann::json::parse(cli(server, {"session", "get", "py1", "--json"}).out);
    CHECK(py["user_id"] == "77");
    CHECK(py["layout"] == "redis-ops");
    CHECK(py["fields"]["cart"] == nlohmann::json::array({1, 2}));

    CliResult conn = cli(server, {"session", "get", "connect1", "--prefix", "sess:", "--json"});
    REQUIRE_MESSAGE(conn.exit_code == 0, conn.err);
    auto cr = nlohmann::json::parse(conn.out);
    CHECK(cr["layout"] == "connect-redis");
    CHECK(cr["user_id"].is_null());
    CHECK(cr["max_age_ms"] == 3'600'000);
    CHECK(cr["fields"]["cookie"]["path"] == "/");
    CHECK(cr["fields"]["views"] == 3);
    CliResult table = cli(server, {"session", "get", "connect1", "--prefix", "sess:"});
    // Nested values print as JSON text in stored order, not re-quoted.
    CHECK(table.out.find(R"({"originalMaxAge":3600000,"httpOnly":true,"path":"/"})") !=
          std::string::npos);
}

TEST_CASE("touch raises the session TTL and the index TTL with it") {
    RedisServer server;
    Connection c = server.connect();
    std::string id = create(server, {"--user-id", "u1", "--ttl", "30s"});
    CliResult r = cli(server, {"session", "touch", id, "--ttl", "2h"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(pttl(c, "session:" + id) > 6'000'000);
    CHECK(pttl(c, "user_sessions:u1") > 6'000'000);

    // Without --ttl the session's own lifetime (max_age_ms) comes back.
    std::string other = create(server, {"--user-id", "u1", "--ttl", "1h"});
    c.command({"PEXPIRE", "session:" + other, "5000"});
    REQUIRE(cli(server, {"session", "touch", other}).exit_code == 0);
    CHECK(pttl(c, "session:" + other) > 3'000'000);

    // get --touch refreshes too, and a JSON session from another client can be touched.
    c.command({"SET", "session:j1", R"({"user_id":"u1"})", "EX", "10"});
    CliResult g = cli(server, {"session", "get", "j1", "--touch", "--ttl", "1h", "--json"});
    REQUIRE_MESSAGE(g.exit_code == 0, g.err);
    // The TTL as read back after the touch: at most the hour asked for.
    auto touched_ttl = nlohmann::json::parse(g.out)["ttl_ms"].get<long long>();
    CHECK(touched_ttl <= 3'600'000);
    CHECK(touched_ttl > 3'000'000);
    CHECK(pttl(c, "session:j1") > 3'000'000);
    CHECK(c.command({"GET", "session:j1"}).str() == R"({"user_id":"u1"})");
}

TEST_CASE("list shows live sessions of every writer and prunes ids whose session is gone") {
    RedisServer server;
    Connection c = server.connect();
    std::string a = create(server, {"--user-id", "u1", "--ttl", "1h"});
    std::string b = create(server, {"--user-id", "u1", "--ttl", "2h"});
    // Written by another client in the same layout, not by redis-ops.
    c.command({"HSET", "session:foreign1", "user_id", "u1", "created_at", "1700000000"});
    c.command({"EXPIRE", "session:foreign1", "600"});
    c.command({"SADD", "user_sessions:u1", "foreign1"});
    python_redis(server,
                 "r.setex('session:py2', 900, json.dumps({'user_id': 'u1'}))\n"
                 "r.sadd('user_sessions:u1', 'py2')\n");
    // Dead entries: sessions that expired (or were deleted) behind the index's back.
    c.command({"SADD", "user_sessions:u1", "dead1", "dead2"});
    // Not a session, and another user's session: skipped, never pruned.
    c.command({"RPUSH", "session:listy", "x"});
    c.command({"HSET", "session:theirs", "user_id", "u2"});
    c.command({"SADD", "user_sessions:u1", "listy", "theirs"});

    CliResult r = cli(server, {"session", "list", "--user-id", "u1", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["count"] == 4);
    CHECK(doc["pruned"] == 2);
    CHECK(doc["skipped"] == 2);
    std::set<std::string> ids;
    for (const auto& s : doc["sessions"]) {
        ids.insert(s["id"].get<std::string>());
        CHECK(s["ttl_ms"].get<long long>() > 0);
    }
    CHECK(ids == std::set<std::string>{a, b, "foreign1", "py2"});
    CHECK(doc["sessions"][0]["id"] == "foreign1");  // oldest first
    CHECK(c.command({"SISMEMBER", "user_sessions:u1", "dead1"}).integer() == 0);
    CHECK(c.command({"SCARD", "user_sessions:u1"}).integer() == 6);

    CliResult text = cli(server, {"session", "list", "--user-id", "u1"});
    CHECK(text.out.find(a) != std::string::npos);
    CHECK(text.out.find("pruned 0") != std::string::npos);
    CHECK(cli(server, {"session", "list", "--user-id", "nobody"}).exit_code == 0);
}

TEST_CASE("destroy removes the session and its index entry; a second destroy exits 1") {
    RedisServer server;
    Connection c = server.connect();
    std::string id = create(server, {"--user-id", "u1"});
    std::string keep = create(server, {"--user-id", "u1"});
    CliResult r = cli(server, {"session", "destroy", id});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(c.command({"EXISTS", "session:" + id}).integer() == 0);
    CHECK(c.command({"SISMEMBER", "user_sessions:u1", id}).integer() == 0);
    CHECK(c.command({"SISMEMBER", "user_sessions:u1", keep}).integer() == 1);
    CHECK(cli(server, {"session", "destroy", id}).exit_code == 1);
    // The last session takes the index with it.
    REQUIRE(cli(server, {"session", "destroy", keep}).exit_code == 0);
    CHECK(c.command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("destroy-all deletes 2000 sessions and the index, sparing other users") {
    RedisServer server;
    Connection c = server.connect();
    Pipeline p(c);
    for (int i = 0; i < 2000; ++i) {
        std::string id = "bulk" + std::to_string(i);
        p.add({"HSET", "session:" + id, "user_id", "u1", "created_at", "1700000000"});
        p.add({"EXPIRE", "session:" + id, "3600"});
        p.add({"SADD", "user_sessions:u1", id});
    }
    for (const auto& reply : p.exec()) reply.check();
    std::string other = create(server, {"--user-id", "u2"});
    c.command({"SADD", "user_sessions:u1", "already-gone"});

    CliResult r = cli(server, {"session", "destroy-all", "--user-id", "u1", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["destroyed"] == 2000);
    CHECK(doc["index_entries"] == 2001);
    // Only u2's session and index remain: no session of u1, no index, no tombstone.
    CHECK(c.command({"DBSIZE"}).integer() == 2);
    CHECK(c.command({"EXISTS", "session:" + other, "user_sessions:u2"}).integer() == 2);
    CliResult again = cli(server, {"session", "destroy-all", "--user-id", "u1"});
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("destroyed 0 sessions") != std::string::npos);
}

TEST_CASE("a missing session exits 1 for get, touch and destroy") {
    RedisServer server;
    for (const char* sub : {"get", "touch", "destroy"}) {
        CliResult r = cli(server, {"session", sub, "nosuchid"});
        CHECK_MESSAGE(r.exit_code == 1, sub);
        CHECK(r.err.find("not found") != std::string::npos);
        CHECK(r.out.empty());
    }
    Connection c = server.connect();
    CHECK(c.command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("bad input exits 2 and writes nothing") {
    RedisServer server;
    std::vector<std::vector<std::string>> bad = {
        {"session", "create", "--user-id", "u1", "--field", "novalue"},
        {"session", "create", "--user-id", "u1", "--field", "=v"},
        {"session", "create", "--user-id", "u1", "--field", "user_id=evil"},
        {"session", "create", "--user-id", ""},
        {"session", "create", "--user-id", "u\n1"},
        {"session", "create"},
        {"session", "create", "--user-id", "u1", "--ttl", "5x"},
        {"session", "create", "--user-id", "u1", "--ttl", "0"},
        {"session", "create", "--user-id", "u1", "--ttl", "-1s"},
        {"session", "get",
         std::string("ab\x01"
                     "cd")},
        {"session", "get", "line\nbreak"},
        {"session", "touch", "abc", "--ttl", "soon"},
        {"session", "destroy", std::string("a\x1b[2Jb")},
        {"session", "list", "--user-id", ""},
        {"session", "destroy-all", "--user-id", ""},
    };
    for (const auto& args : bad) {
        CliResult r = cli(server, args);
        CHECK_MESSAGE(r.exit_code == 2, (quote_repr(args.back()) + " " + r.err));
        CHECK_FALSE(r.err.empty());
    }
    Connection c = server.connect();
    CHECK(c.command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("keys of the wrong type exit 4 with a message naming the key and its type") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"RPUSH", "session:listy", "x"});
    CliResult g = cli(server, {"session", "get", "listy"});
    CHECK(g.exit_code == 4);
    CHECK(g.err.find("session:listy") != std::string::npos);
    CHECK(g.err.find("list") != std::string::npos);
    CHECK(cli(server, {"session", "destroy", "listy"}).exit_code == 4);
    CHECK(cli(server, {"session", "touch", "listy"}).exit_code == 4);
    CHECK(c.command({"EXISTS", "session:listy"}).integer() == 1);

    c.command({"SET", "session:notjson", "just text"});
    CliResult nj = cli(server, {"session", "get", "notjson"});
    CHECK(nj.exit_code == 4);
    CHECK(nj.err.find("JSON") != std::string::npos);

    c.command({"SET", "user_sessions:u1", "oops"});
    CliResult cr = cli(server, {"session", "create", "--user-id", "u1"});
    CHECK(cr.exit_code == 4);
    CHECK(cr.err.find("user_sessions:u1") != std::string::npos);
    CHECK(cr.err.find("not a set") != std::string::npos);
    CHECK(c.command({"DBSIZE"}).integer() == 3);  // no half-written session
    CHECK(cli(server, {"session", "list", "--user-id", "u1"}).exit_code == 4);
    CHECK(cli(server, {"session", "destroy-all", "--user-id", "u1"}).exit_code == 4);
    CHECK(c.command({"GET", "user_sessions:u1"}).str() == "oops");

    // destroy still ends the session, then reports the broken index.
    c.command({"HSET", "session:s1", "user_id", "u1"});
    CliResult d = cli(server, {"session", "destroy", "s1"});
    CHECK(d.exit_code == 4);
    CHECK(d.err.find("user_sessions:u1") != std::string::npos);
    CHECK(c.command({"EXISTS", "session:s1"}).integer() == 0);
}

TEST_CASE("values that are not UTF-8 print quoted in text and escaped in JSON") {
    RedisServer server;
    Connection c = server.connect();
    std::string id =
        create(server, {"--user-id", "u1", "--field", "bin=\xff\xfe", "--field", "spaced=a b"});
    CHECK(c.command({"HGET", "session:" + id, "bin"}).str() == "\xff\xfe");
    c.command({"HSET", "session:" + id, "k\xc0", "line\nbreak"});

    CliResult text = cli(server, {"session", "get", id});
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("\"\\xff\\xfe\"") != std::string::npos);
    CHECK(text.out.find("\"a b\"") != std::string::npos);
    CHECK(text.out.find("\"k\\xc0\"") != std::string::npos);
    CHECK(text.out.find("\"line\\nbreak\"") != std::string::npos);
    CHECK(text.out.find('\xff') == std::string::npos);

    CliResult json = cli(server, {"session", "get", id, "--json"});
    REQUIRE(json.exit_code == 0);
    CHECK(is_valid_utf8(json.out));
    auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["fields"]["bin"] == to_json_text("\xff\xfe"));
    CHECK(doc["fields"][to_json_text("k\xc0")] == "line\nbreak");
}

TEST_CASE("on a cluster every subcommand works with sessions and indexes in other slots") {
    TestCluster cluster;
    Client client(cluster.options());
    auto run = [&](const std::vector<std::string>& args) { return cluster.cli(args); };
    std::string index = "user_sessions:u1";
    std::vector<std::string> ids;
    for (int i = 0; i < 4; ++i) {
        CliResult r = run({"session", "create", "--user-id", "u1", "--ttl", "1h"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        ids.push_back(trim(r.out));
    }
    for (const auto& id : ids) {
        std::string key = "session:" + id;
        CHECK(client.command_for_key(key, {"HGET", key, "user_id"}).str() == "u1");
        CHECK(client.command_for_key(index, {"SISMEMBER", index, id}).integer() == 1);
    }
    CHECK(client.command_for_key(index, {"PTTL", index}).integer() > 3'000'000);

    std::string key0 = "session:" + ids[0];
    REQUIRE(run({"session", "touch", ids[0], "--ttl", "3h"}).exit_code == 0);
    CHECK(client.command_for_key(key0, {"PTTL", key0}).integer() > 10'000'000);
    CHECK(client.command_for_key(index, {"PTTL", index}).integer() > 10'000'000);

    client.command_for_key(index, {"SADD", index, "dead-on-cluster"});
    CliResult l = run({"session", "list", "--user-id", "u1", "--json"});
    REQUIRE_MESSAGE(l.exit_code == 0, l.err);
    auto doc = nlohmann::json::parse(l.out);
    CHECK(doc["count"] == 4);
    CHECK(doc["pruned"] == 1);

    REQUIRE(run({"session", "destroy", ids[0]}).exit_code == 0);
    CHECK(client.command_for_key(key0, {"EXISTS", key0}).integer() == 0);
    CHECK(client.command_for_key(index, {"SISMEMBER", index, ids[0]}).integer() == 0);

    // Spread over many slots and all three masters.
    for (int i = 0; i < 300; ++i) {
        std::string id = "c" + std::to_string(i);
        std::string key = "session:" + id;
        client.command_for_key(key, {"HSET", key, "user_id", "u1"});
        client.command_for_key(index, {"SADD", index, id});
        ids.push_back(id);
    }
    CliResult all = run({"session", "destroy-all", "--user-id", "u1", "--json"});
    REQUIRE_MESSAGE(all.exit_code == 0, all.err);
    CHECK(nlohmann::json::parse(all.out)["destroyed"] == 303);
    for (const auto& id : ids) {
        std::string key = "session:" + id;
        CHECK(client.command_for_key(key, {"EXISTS", key}).integer() == 0);
    }
    long long keys_left = 0;
    for (size_t n = 0; n < cluster.size(); ++n) {
        keys_left += cluster.node(n).connect().command({"DBSIZE"}).integer();
    }
    CHECK(keys_left == 0);
}
