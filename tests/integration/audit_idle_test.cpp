// scan-audit --idle / --idle-over and the TTL range of every pattern, against real servers
// holding keys whose TTLs and last reads the test set itself.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <map>
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

json audit(const std::vector<std::string>& global, std::vector<std::string> args,
           int expect_exit = 0) {
    std::vector<std::string> argv = global;
    argv.insert(argv.end(), {"scan-audit", "--format", "json"});
    argv.insert(argv.end(), args.begin(), args.end());
    CliResult r = run_cli(argv, cli_options("", {}, 60));
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == expect_exit);
    return json::parse(r.out);
}

const json& pattern(const json& report, const std::string& name) {
    for (const auto& p : report["patterns"]) {
        if (p["pattern"] == name) return p;
    }
    FAIL("no pattern " << name);
    static json none;
    return none;
}

std::map<std::string, long long> object_all(Connection& c, const char* what,
                                            const std::vector<std::string>& keys) {
    std::map<std::string, long long> out;
    for (const auto& k : keys) out[k] = c.command({"OBJECT", what, k}).integer();
    return out;
}

bool has_note(const json& report, const std::string& part) {
    for (const auto& n : report["notes"]) {
        if (n.get<std::string>().find(part) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("--idle-over 2s finds exactly the keys without TTL nobody read, and reads none") {
    RedisServer server;
    Connection c = server.connect();
    std::vector<std::string> keys;
    Pipeline p(c);
    for (int i = 0; i < 30; ++i) keys.push_back("cold:" + std::to_string(i));
    for (int i = 0; i < 20; ++i) keys.push_back("warm:" + std::to_string(i));
    for (int i = 0; i < 10; ++i) keys.push_back("mix:" + std::to_string(i));
    for (const auto& k : keys) p.add({"SET", k, "v"});
    for (int i = 0; i < 15; ++i) {
        std::string k = "leased:" + std::to_string(i);  // idle too, but with a TTL: no candidate
        p.add({"SET", k, "v", "EX", "3600"});
        keys.push_back(k);
    }
    p.exec();
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    // Read again: every warm:* key and mix:0..3.
    for (int i = 0; i < 20; ++i) c.command({"GET", "warm:" + std::to_string(i)});
    for (int i = 0; i < 4; ++i) c.command({"GET", "mix:" + std::to_string(i)});

    auto before = object_all(c, "IDLETIME", keys);
    json r = audit(server.port_args(), {"--idle", "--idle-over", "2s"});
    auto after = object_all(c, "IDLETIME", keys);
    for (const auto& k : keys) {
        INFO(k);
        CHECK(after[k] >= before[k]);  // the audit itself touched nothing
    }

    CHECK(r["idle"]["source"] == "idletime");
    CHECK(r["idle"]["over_ms"] == 2000);
    CHECK(r["idle"]["over_count"] == 30 + 6);
    CHECK(r["idle"]["keys_read"] == keys.size());
    CHECK(pattern(r, "cold:*")["idle_over"] == 30);
    CHECK(pattern(r, "warm:*")["idle_over"] == 0);
    CHECK(pattern(r, "mix:*")["idle_over"] == 6);
    CHECK(pattern(r, "leased:*")["idle_over"] == 0);
    CHECK(pattern(r, "cold:*")["idle_over_examples"].size() == 3);
    CHECK(pattern(r, "cold:*")["idle_p50_s"].get<long long>() >= 3);
    CHECK(pattern(r, "warm:*")["idle_max_s"].get<long long>() <= 2);
    CHECK(pattern(r, "mix:*")["idle_max_s"].get<long long>() >= 3);

    // The same D selects the same keys in `expire --dry-run --idle-over`.
    CliResult e = run_cli(server, {"expire", "--match", "*", "--ttl", "1h", "--idle-over", "2s",
                                   "--dry-run", "--json"});
    REQUIRE(e.exit_code == 0);
    CHECK(json::parse(e.out)["would_change"] == 36);
}

TEST_CASE("under allkeys-lfu --idle reads OBJECT FREQ, says so, and leaves the counters") {
    RedisServer server({"--maxmemory-policy", "allkeys-lfu"});
    Connection c = server.connect();
    std::vector<std::string> keys;
    for (int i = 0; i < 20; ++i) {
        keys.push_back("hot:" + std::to_string(i));
        c.command({"SET", keys.back(), "v"});
    }
    for (int round = 0; round < 50; ++round) c.command({"GET", "hot:0"});
    auto before = object_all(c, "FREQ", keys);
    json r = audit(server.port_args(), {"--idle"});
    auto after = object_all(c, "FREQ", keys);
    CHECK(before == after);
    CHECK(r["idle"]["source"] == "freq");
    CHECK(r["idle"]["keys_read"] == 20);
    CHECK(has_note(r, "OBJECT FREQ"));
    const json& hot = pattern(r, "hot:*");
    CHECK(hot["freq_max"] == before["hot:0"]);
    CHECK(hot.contains("freq_p50"));
    CHECK_FALSE(hot.contains("idle_over"));
}

TEST_CASE("TTL min, p50 and max per pattern match the generator within the documented 12.5%") {
    RedisServer server;
    Connection c = server.connect();
    Pipeline p(c);
    // rate:<n>: TTL n*10 s for n = 1..100; half of sess:* live 365 days, the rest have none.
    for (int n = 1; n <= 100; ++n)
        p.add({"SET", "rate:" + std::to_string(n), "v", "EX", std::to_string(n * 10)});
    for (int n = 0; n < 40; ++n) {
        std::string k = "sess:" + std::to_string(n);
        if (n % 2)
            p.add({"SET", k, "v", "EX", std::to_string(365 * 86400)});
        else
            p.add({"SET", k, "v"});
    }
    p.exec();
    json r = audit(server.port_args(), {});
    // PTTL only shrinks between SET and the walk: the true value minus at most `drift`.
    constexpr long long drift = 30'000;
    auto near = [&](const json& v, long long truth, double above) {
        long long got = v.get<long long>();
        INFO("got " << got << " truth " << truth);
        CHECK(got <= static_cast<long long>(static_cast<double>(truth) * (1.0 + above)));
        CHECK(got >= truth - drift);
    };
    const json& rate = pattern(r, "rate:*");
    CHECK(rate["keys"] == 100);
    CHECK(rate["no_ttl"] == 0);
    near(rate["ttl_min_ms"], 10'000, 0);
    near(rate["ttl_max_ms"], 1'000'000, 0);
    near(rate["ttl_p50_ms"], 500'000, 0.125);  // the 50th of 100 TTLs, rounded up to its bucket
    const json& sess = pattern(r, "sess:*");
    CHECK(sess["keys"] == 40);
    CHECK(sess["no_ttl"] == 20);
    near(sess["ttl_min_ms"], 365LL * 86400'000, 0);
    near(sess["ttl_max_ms"], 365LL * 86400'000, 0);
    near(sess["ttl_p50_ms"], 365LL * 86400'000, 0.125);
    CHECK_FALSE(sess.contains("idle_p50_s"));  // idle fields only with --idle
}

TEST_CASE("on a cluster --idle-over counts the idle keys of every master, merged") {
    TestCluster cluster(3);
    Client client(cluster.options());
    for (int i = 0; i < 90; ++i) {
        std::string k = "cold:" + std::to_string(i);
        client.command_for_key(k, {"SET", k, "v"});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    for (int i = 0; i < 30; ++i) {
        std::string k = "cold:" + std::to_string(i);
        client.command_for_key(k, {"GET", k});
    }
    json r = audit(cluster.cli_args(), {"--idle-over", "2s"});
    CHECK(r["idle"]["over_count"] == 60);
    CHECK(pattern(r, "cold:*")["idle_over"] == 60);
    CHECK(pattern(r, "cold:*")["keys"] == 90);
}

TEST_CASE("an RDB snapshot's IDLE opcodes feed --idle-over like a live walk") {
    // Redis writes IDLE per key into the RDB under an LRU maxmemory-policy.
    RedisServer server({"--maxmemory-policy", "allkeys-lru"});
    Connection c = server.connect();
    for (int i = 0; i < 12; ++i) c.command({"SET", "cold:" + std::to_string(i), "v"});
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    for (int i = 0; i < 5; ++i) c.command({"GET", "cold:" + std::to_string(i)});
    c.command({"SAVE"});
    json r = audit({}, {"--rdb", server.dir() + "/dump.rdb", "--idle-over", "2s"});
    CHECK(r["idle"]["source"] == "idletime");
    CHECK(r["idle"]["over_count"] == 7);
    CHECK(pattern(r, "cold:*")["idle_over"] == 7);
}
