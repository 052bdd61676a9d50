// scan-audit against real servers holding a keyspace whose ground truth the test knows.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "deploy_fixture.hpp"
#include "fixture.hpp"
#include "redis/client.hpp"
#include "redis/pipeline.hpp"

using namespace redisops;
using namespace redisops::test;
using nlohmann::json;

namespace {

constexpr long long kHourMs = 3600'000;

/// The known keyspace. No TTL: 200 session:<hex>, 100 cart:<n> hashes, 10 events:<n> streams,
/// 5 blob:<n> (150..350 KB), blob:small (50 KB), 20 config:* (ignored by the tests).
struct Truth {
    static constexpr int kProfiles = 300, kSessions = 200, kCarts = 100, kFeeds = 50, kTags = 40,
                         kRanks = 30, kEvents = 10, kConfig = 20, kBlobs = 5;
    static constexpr int kTotal = kProfiles + kSessions + kCarts + kFeeds + kTags + kRanks +
                                  kEvents + kConfig + kBlobs + 1 /*blob:small*/ + 1 /*bighash*/;
    static constexpr int kNoTtl = kSessions + kCarts + kEvents + kBlobs + 1;  // config:* is ignored
};

void load_truth(const RedisServer& server) {
    Connection c = server.connect();
    Pipeline p(c);
    for (int i = 0; i < Truth::kProfiles; ++i) {
        p.add({"SET", "user:" + std::to_string(i) + ":profile", "{}", "PX",
               std::to_string(2 * kHourMs)});
    }
    for (int i = 0; i < Truth::kSessions; ++i) {
        p.add({"SET",
               fmt::format("session:{:016x}",
                           0x9f3a000000000000ull + static_cast<unsigned>(i) * 7919),
               "s"});
    }
    for (int i = 0; i < Truth::kCarts; ++i)
        p.add({"HSET", "cart:" + std::to_string(i), "a", "1", "b", "2"});
    for (int i = 0; i < Truth::kFeeds; ++i) {
        std::string k = "feed:user:" + std::to_string(i);
        p.add({"RPUSH", k, "x", "y"});
        p.add({"PEXPIRE", k, std::to_string(kHourMs / 2)});
    }
    for (int i = 0; i < Truth::kTags; ++i) {
        std::string k = "tags:" + std::to_string(i);
        p.add({"SADD", k, "x"});
        p.add({"PEXPIRE", k, std::to_string(3 * 24 * kHourMs)});
    }
    for (int i = 0; i < Truth::kRanks; ++i) {
        std::string k = "rank:" + std::to_string(i);
        p.add({"ZADD", k, "1", "x"});
        p.add({"PEXPIRE", k, std::to_string(10 * 24 * kHourMs)});
    }
    for (int i = 0; i < Truth::kEvents; ++i)
        p.add({"XADD", "events:" + std::to_string(i), "*", "k", "v"});
    for (int i = 0; i < Truth::kConfig; ++i)
        p.add({"SET", "config:setting_" + std::string(1, char('a' + i)), "v"});
    for (int i = 0; i < Truth::kBlobs; ++i) {
        p.add({"SET", "blob:" + std::to_string(i + 1),
               std::string(static_cast<size_t>(150'000 + 50'000 * i), 'b')});
    }
    p.add({"SET", "blob:small", std::string(50'000, 's')});
    Args hset{"HSET", "bighash"};
    for (int i = 0; i < 500; ++i) hset.insert(hset.end(), {"f" + std::to_string(i), "v"});
    p.add(hset);
    p.add({"PEXPIRE", "bighash", std::to_string(5 * kHourMs)});
    for (const auto& r : p.exec()) REQUIRE_FALSE(r.is_error());
    REQUIRE(c.command({"DBSIZE"}).integer() == Truth::kTotal);
}

CliOptions within(int seconds) {
    CliOptions o;
    o.timeout = std::chrono::seconds(seconds);
    return o;
}

json audit_json(const RedisServer& server, std::vector<std::string> args, int expect_exit = 0) {
    args.insert(args.begin(), {"scan-audit", "--format", "json"});
    CliResult r = run_cli(server, args, within(60));
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == expect_exit);
    return json::parse(r.out);
}

uint64_t pattern_keys(const json& report, const std::string& pattern) {
    for (const auto& p : report["no_ttl"]["patterns"]) {
        if (p["pattern"] == pattern) return p["keys"].get<uint64_t>();
    }
    return 0;
}

}  // namespace

TEST_CASE("scan-audit counts keys without TTL exactly, by pattern, leaving --ignore'd keys out") {
    RedisServer server;
    load_truth(server);
    json j = audit_json(server, {"--ignore", "config:*", "--top", "3"});
    CHECK(j["complete"] == true);
    CHECK(j["keys_scanned"] == Truth::kTotal);
    CHECK(j["keys_ignored"] == Truth::kConfig);
    CHECK(j["estimate"]["keys"] == Truth::kTotal);
    CHECK(j["no_ttl"]["count"] == Truth::kNoTtl);
    CHECK(pattern_keys(j, "session:*") == Truth::kSessions);
    CHECK(pattern_keys(j, "cart:*") == Truth::kCarts);
    CHECK(pattern_keys(j, "events:*") == Truth::kEvents);
    CHECK(pattern_keys(j, "blob:*") == Truth::kBlobs);
    CHECK(pattern_keys(j, "blob:small") == 1);
    CHECK(pattern_keys(j, "config:*") == 0);
    uint64_t sum = 0;
    for (const auto& p : j["no_ttl"]["patterns"]) sum += p["keys"].get<uint64_t>();
    CHECK(sum == Truth::kNoTtl);
    // Types and TTL buckets.
    CHECK(j["types"]["string"] ==
          Truth::kProfiles + Truth::kSessions + Truth::kConfig + Truth::kBlobs + 1);
    CHECK(j["types"]["hash"] == Truth::kCarts + 1);
    CHECK(j["types"]["list"] == Truth::kFeeds);
    CHECK(j["types"]["set"] == Truth::kTags);
    CHECK(j["types"]["zset"] == Truth::kRanks);
    CHECK(j["types"]["stream"] == Truth::kEvents);
    CHECK(j["ttl"]["no_expiry"] == Truth::kNoTtl + Truth::kConfig);
    CHECK(j["ttl"]["under_1h"] == Truth::kFeeds);
    CHECK(j["ttl"]["1h_to_24h"] == Truth::kProfiles + 1);
    CHECK(j["ttl"]["1d_to_7d"] == Truth::kTags);
    CHECK(j["ttl"]["over_7d"] == Truth::kRanks);
    // Every blob over 100kb, biggest first; blob:small (50 KB) is not big.
    REQUIRE(j["big_keys"].size() == Truth::kBlobs);
    CHECK(j["big_keys_count"] == Truth::kBlobs);
    for (int i = 0; i < Truth::kBlobs; ++i) {
        CHECK(j["big_keys"][i]["key"] == "blob:" + std::to_string(Truth::kBlobs - i));
        CHECK(j["big_keys"][i]["type"] == "string");
        CHECK(j["big_keys"][i]["bytes"].get<uint64_t>() >=
              150'000u + 50'000u * (Truth::kBlobs - 1 - i));
    }
    REQUIRE(j["top_keys"].size() == 3);
    CHECK(j["top_keys"][0]["key"] == "blob:5");
    CHECK(j["top_keys"][2]["key"] == "blob:3");
    CHECK(j["memory"]["max_bytes"] == j["top_keys"][0]["bytes"]);
    CHECK(j["memory"]["p50_bytes"].get<uint64_t>() < 1000);
    CHECK(j["keys_command"]["calls"] == 0);
    REQUIRE(j["nodes"].size() == 1);
    CHECK(j["nodes"][0]["complete"] == true);
    CHECK(j["nodes"][0]["keys_scanned"] == Truth::kTotal);
    CHECK(j["longest_call_ms"].is_number());
}

TEST_CASE("--big-elements counts elements of aggregates and says when NO-TOUCH is missing") {
    RedisServer server;
    load_truth(server);
    // Idle for a second first, so a length command that touched the key would reset it to 0.
    Connection admin = server.connect();
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    long long idle_before = admin.command({"OBJECT", "IDLETIME", "bighash"}).integer();
    REQUIRE(idle_before >= 1);
    json j = audit_json(server, {"--big-elements", "400", "--big-bytes", "1mb"});
    long long idle_after = admin.command({"OBJECT", "IDLETIME", "bighash"}).integer();
    REQUIRE(j["big_keys"].size() == 1);
    CHECK(j["big_keys"][0]["key"] == "bighash");
    CHECK(j["big_keys"][0]["elements"] == 500);
    CHECK(j["top_keys"][0]["elements"].get<uint64_t>() >= 150'000u);  // STRLEN of a blob
    // By capability, not by version: does this server accept CLIENT NO-TOUCH?
    bool has_no_touch =
        !server.connect().command_unchecked({"CLIENT", "NO-TOUCH", "ON"}).is_error();
    bool noted = j["notes"].dump().find("NO-TOUCH") != std::string::npos;
    CHECK(noted != has_no_touch);
    // With NO-TOUCH the audit left the key's idle time alone (Redis 7.2+, Valkey 8); without
    // it, the note above says the counts refreshed it.
    if (has_no_touch) CHECK(idle_after >= idle_before);
}

TEST_CASE(
    "KEYS calls leave evidence: commandstats, the slow log with the client, CLIENT LIST, ACL") {
    RedisServer server({"--slowlog-log-slower-than", "0"});
    load_truth(server);
    Connection legacy = server.connect();
    legacy.command({"CLIENT", "SETNAME", "legacy-app"});
    legacy.command({"KEYS", "session:*"});
    legacy.command({"KEYS", "cart:*"});
    json j = audit_json(server, {});
    const json& k = j["keys_command"];
    CHECK(k["calls"] == 2);
    CHECK(k["evidence"] == true);
    bool slow_with_name = false;
    for (const auto& s : k["slowlog"])
        slow_with_name |= s["client_name"] == "legacy-app" && s["pattern"] == "cart:*";
    CHECK(slow_with_name);
    bool client_listed = false;
    for (const auto& c : k["clients"]) client_listed |= c["name"] == "legacy-app";
    CHECK(client_listed);
    CHECK(k["acl_allows_keys"] == true);

    // A user whose ACL denies KEYS: the audit still runs and reports the denial.
    server.connect().command({"ACL", "SETUSER", "auditor", "on", ">pw", "~*", "+@all", "-keys"});
    CliOptions auth;
    auth.env = {{"REDISCLI_AUTH", "pw"}};
    CliResult r = run_cli(server, {"--user", "auditor", "scan-audit", "--json"}, auth);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["keys_command"]["acl_allows_keys"] == false);
}

TEST_CASE("--fail-on gates exit 1 when crossed and 0 otherwise; bad gate values are usage errors") {
    RedisServer server;
    load_truth(server);
    auto exit_of = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "scan-audit");
        return run_cli(server, args, within(60)).exit_code;
    };
    CHECK(exit_of({"--fail-on", "no-ttl", "--ignore", "config:*"}) == 1);
    CHECK(exit_of({"--fail-on", "no-ttl", "--ignore", "config:*", "--max-no-ttl",
                   std::to_string(Truth::kNoTtl)}) == 0);
    CHECK(exit_of({"--fail-on", "no-ttl", "--max-no-ttl", std::to_string(Truth::kNoTtl)}) ==
          1);  // config:* counts
    CHECK(exit_of({"--fail-on", "no-ttl", "--ignore", "config:*", "--max-no-ttl", "50%"}) == 0);
    CHECK(exit_of({"--fail-on", "no-ttl", "--ignore", "config:*", "--max-no-ttl", "5%"}) == 1);
    CHECK(exit_of({"--fail-on", "big"}) == 1);
    CHECK(exit_of({"--fail-on", "big", "--big-bytes", "1mb"}) == 0);
    CHECK(exit_of({"--fail-on", "keys-usage"}) == 0);
    server.connect().command({"KEYS", "nothing*"});
    CHECK(exit_of({"--fail-on", "keys-usage,big", "--big-bytes", "1mb"}) == 1);
    CHECK(exit_of({"--fail-on", "no-ttl,bogus"}) == 2);
    CHECK(exit_of({"--max-no-ttl", "lots"}) == 2);
    CHECK(exit_of({"--big-bytes", "huge"}) == 2);
    CHECK(exit_of({"--format", "xml"}) == 2);
    CHECK(exit_of({"--count", "0"}) == 2);
}

TEST_CASE("JUnit output is valid XML with one testcase per check, keys escaped") {
    RedisServer server;
    load_truth(server);
    server.connect().command(
        {"SET", std::string("blob:<&>\"'\n\x01\xff", 11), std::string(200'000, 'z')});
    CliResult r = run_cli(server, {"scan-audit", "--format", "junit", "--fail-on", "big"});
    CHECK(r.exit_code == 1);
    TempDir tmp;
    std::string path = tmp.path() + "/report.xml";
    std::ofstream(path) << r.out;
    std::string cmd =
        "python3 -c 'import xml.dom.minidom,sys; d=xml.dom.minidom.parseString(sys.stdin.read()); "
        "print(len(d.getElementsByTagName(\"testcase\")), "
        "len(d.getElementsByTagName(\"failure\")))' < " +
        path + " > " + path + ".out";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ifstream in(path + ".out");
    int testcases = 0, failures = 0;
    in >> testcases >> failures;
    CHECK(testcases == 3);
    CHECK(failures == 2);  // no-ttl and big; no KEYS ran
    CHECK(r.out.find("name=\"keys-usage\"") != std::string::npos);
    CHECK(r.out.find("blob:&lt;&amp;&gt;") != std::string::npos);
}

TEST_CASE("an audit cut short by a killed server prints what it saw, complete:false, and exits 3") {
    RedisServer server;
    {
        Connection c = server.connect();
        Pipeline p(c);
        for (int i = 0; i < 40000; ++i) p.add({"SET", "k:" + std::to_string(i), "v"});
        p.exec();
    }
    std::thread killer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        server.kill();
    });
    // 40k keys at 4000 keys/s: ten seconds, far longer than the kill takes.
    CliResult r = run_cli(
        server,
        {"scan-audit", "--json", "--rate", "4000", "--fail-on", "no-ttl", "--max-no-ttl", "100%"},
        within(60));
    killer.join();
    CHECK(r.exit_code == 3);
    json j = json::parse(r.out);
    CHECK(j["complete"] == false);
    CHECK(j["nodes"][0]["complete"] == false);
    CHECK(j["keys_scanned"].get<uint64_t>() < 40000);
    CHECK(r.err.find("cut short") != std::string::npos);
}

TEST_CASE("keys SCAN returns twice while the keyspace grows and shrinks are counted once") {
    RedisServer server;
    constexpr int kStable = 20000, kBatches = 100, kBatch = 2000;
    {
        Connection c = server.connect();
        Pipeline p(c);
        for (int i = 0; i < kStable; ++i) p.add({"SET", "stable:" + std::to_string(i), "v"});
        p.exec();
    }
    // While a throttled walk runs, grow the keyspace elevenfold (the dict rehashes into ever
    // bigger tables), then delete the new keys again: under 10% full, the dict shrinks, and a
    // SCAN cursor carried across a shrink revisits buckets, returning keys it already returned.
    std::atomic<int> added{0};
    std::thread churn([&] {
        Connection c = server.connect();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        for (int b = 0; b < kBatches; ++b) {
            Pipeline p(c);
            for (int i = 0; i < kBatch; ++i)
                p.add({"SET", "grow:" + std::to_string(b * kBatch + i), "v", "EX", "3600"});
            p.exec();
            added += kBatch;
        }
        for (int b = 0; b < kBatches; ++b) {
            Pipeline p(c);
            for (int i = 0; i < kBatch; ++i)
                p.add({"UNLINK", "grow:" + std::to_string(b * kBatch + i)});
            p.exec();
        }
    });
    CliResult r =
        run_cli(server, {"scan-audit", "--json", "--rate", "8000", "--count", "100"}, within(120));
    churn.join();
    REQUIRE(r.exit_code == 0);
    json j = json::parse(r.out);
    MESSAGE("duplicates skipped: " << j["duplicates_skipped"] << ", keys scanned: "
                                   << j["keys_scanned"] << ", took " << j["duration_ms"] << " ms");
    // Keys present for the whole walk: each exactly once (none missed, none twice).
    CHECK(j["no_ttl"]["count"] == kStable);
    CHECK(pattern_keys(j, "stable:*") == kStable);
    // Keys added mid-walk may or may not be seen, but never more than once.
    CHECK(j["keys_scanned"].get<int>() >= kStable);
    CHECK(j["keys_scanned"].get<int>() <= kStable + added.load());
}

TEST_CASE("--match and --type are pushed to SCAN and --ignore filters the no-TTL check") {
    RedisServer server;
    load_truth(server);
    json m = audit_json(server, {"--match", "session:*"});
    CHECK(m["keys_scanned"] == Truth::kSessions);
    CHECK(m["no_ttl"]["count"] == Truth::kSessions);
    json t = audit_json(server, {"--type", "hash"});
    CHECK(t["keys_scanned"] == Truth::kCarts + 1);
    CHECK(t["types"].size() == 1);
    CHECK(t["types"]["hash"] == Truth::kCarts + 1);
    json i =
        audit_json(server, {"--ignore", "session:*", "--ignore", "cart:*", "--ignore", "config:*"});
    CHECK(i["no_ttl"]["count"] == Truth::kNoTtl - Truth::kSessions - Truth::kCarts);
    CHECK(i["keys_ignored"] == Truth::kSessions + Truth::kCarts + Truth::kConfig);
}

TEST_CASE("--replica walks an online replica, and reads the master when there is none") {
    RedisServer master;
    load_truth(master);
    json none = audit_json(master, {"--replica"});
    CHECK(none["nodes"][0]["source"] == "127.0.0.1:" + std::to_string(master.port()));
    CHECK(none["notes"].dump().find("no online replica") != std::string::npos);

    RedisServer replica({"--replicaof", "127.0.0.1", std::to_string(master.port())});
    Connection mc = master.connect();
    for (int i = 0; i < 200; ++i) {
        if (mc.command({"INFO", "replication"}).str().find("state=online") != std::string::npos)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    json j = audit_json(master, {"--replica"});
    CHECK(j["nodes"][0]["address"] == "127.0.0.1:" + std::to_string(master.port()));
    CHECK(j["nodes"][0]["source"] == "127.0.0.1:" + std::to_string(replica.port()));
    CHECK(j["keys_scanned"] == Truth::kTotal);
}

TEST_CASE("the default output in a pipe is a plain table, and an unreachable server exits 3") {
    RedisServer server;
    load_truth(server);
    CliResult r = run_cli(server, {"scan-audit"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Keys without TTL") != std::string::npos);
    CHECK(r.out.find("session:*") != std::string::npos);
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(r.err.find('\r') == std::string::npos);  // no progress line outside a terminal
    server.stop();
    CHECK(run_cli(server, {"scan-audit"}).exit_code == 3);
}

TEST_CASE("on a cluster every master is walked in parallel and merged, with a per-node breakdown") {
    TestCluster cluster(3);
    Client client(cluster.options());
    constexpr int kWithTtl = 600, kNoTtl = 300;
    for (int i = 0; i < kWithTtl; ++i) {
        std::string k = "user:" + std::to_string(i) + ":profile";
        client.command_for_key(k, {"SET", k, "v", "EX", "600"});
    }
    for (int i = 0; i < kNoTtl; ++i) {
        std::string k = "cart:" + std::to_string(i);
        client.command_for_key(k, {"HSET", k, "a", "1"});
    }
    std::vector<std::string> args = cluster.cli_args();
    args.insert(args.end(), {"scan-audit", "--json"});
    CliResult r = run_cli(args, within(60));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    json j = json::parse(r.out);
    CHECK(j["complete"] == true);
    CHECK(j["keys_scanned"] == kWithTtl + kNoTtl);
    CHECK(j["no_ttl"]["count"] == kNoTtl);
    CHECK(pattern_keys(j, "cart:*") == kNoTtl);
    REQUIRE(j["nodes"].size() == 3);
    uint64_t sum = 0;
    for (size_t n = 0; n < 3; ++n) {
        const json& node = j["nodes"][n];
        CHECK(node["complete"] == true);
        uint64_t dbsize = 0;
        for (size_t i = 0; i < cluster.size(); ++i) {
            if (node["address"] == cluster.address(i).display()) {
                dbsize =
                    static_cast<uint64_t>(cluster.node(i).connect().command({"DBSIZE"}).integer());
            }
        }
        CHECK(node["keys_scanned"].get<uint64_t>() == dbsize);  // each node's own keys, no more
        sum += node["keys_scanned"].get<uint64_t>();
    }
    CHECK(sum == kWithTtl + kNoTtl);
    // Per node, the findings in the merged report's shapes: each node's share of the no-TTL
    // carts is exactly the carts that node holds.
    uint64_t carts = 0;
    for (const json& node : j["nodes"]) {
        uint64_t held = 0;
        for (size_t i = 0; i < cluster.size(); ++i) {
            if (node["address"] != cluster.address(i).display()) continue;
            Connection c = cluster.node(i).connect();
            std::string cursor = "0";
            do {
                Reply page = c.command({"SCAN", cursor, "MATCH", "cart:*", "COUNT", "1000"});
                cursor = std::string(page[0].str());
                held += page[1].size();
            } while (cursor != "0");
        }
        CAPTURE(node["address"]);
        CHECK(node["no_ttl"]["count"] == held);
        CHECK(pattern_keys(node, "cart:*") == held);
        CHECK(node["types"]["hash"] == held);
        uint64_t profiles = 0;
        for (const json& p : node["patterns"]) {
            if (p["pattern"] == "user:*:profile") profiles = p["keys"].get<uint64_t>();
        }
        CHECK(profiles + held == node["keys_scanned"].get<uint64_t>());
        carts += held;
    }
    CHECK(carts == kNoTtl);
}
