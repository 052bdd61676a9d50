// Every subcommand through the CLI with -c on a real 3-master cluster: the keys each one
// touches land on the nodes that own them, and work that spans slots spans nodes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "deploy_fixture.hpp"
#include "redis/client.hpp"
#include "redis/slot.hpp"

using namespace redisops;
using namespace redisops::test;
using json = nlohmann::json;

namespace {

TestCluster& shared_cluster() {
    static TestCluster c;
    return c;
}

CliResult cli(TestCluster& cluster, std::vector<std::string> args) {
    auto a = cluster.cli_args();
    a.insert(a.end(), args.begin(), args.end());
    CliOptions o;
    o.timeout = std::chrono::seconds(60);
    return run_cli(a, o);
}

/// A key made from `prefix` whose slot node `node` owns.
std::string key_on(TestCluster& cluster, size_t node, const std::string& prefix) {
    for (int i = 0;; ++i) {
        std::string key = prefix + std::to_string(i);
        if (cluster.owner_of(hash_slot(key)) == node) return key;
    }
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

}  // namespace

TEST_CASE("cache set --tag and invalidate-tag with members on different nodes") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string p = unique_prefix("ctag");
    std::string a = key_on(cluster, 0, p + "a"), b = key_on(cluster, 1, p + "b"),
                c = key_on(cluster, 2, p + "c");
    std::string tag = p + "tag";
    for (const auto& k : {a, b, c}) {
        auto r = cli(cluster, {"cache", "set", k, "value-" + k, "--ttl", "60s", "--tag", tag});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
    }
    CHECK(client.command_for_key(b, {"GET", b}).str() == "value-" + b);
    Reply members = client.command_for_key("tag:" + tag, {"SMEMBERS", "tag:" + tag});
    CHECK(members.size() == 3);

    auto r = cli(cluster, {"invalidate-tag", tag});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find('3') != std::string::npos);
    for (const auto& k : {a, b, c}) CHECK(client.command_for_key(k, {"EXISTS", k}).integer() == 0);
    CHECK(client.command_for_key("tag:" + tag, {"EXISTS", "tag:" + tag}).integer() == 0);
}

TEST_CASE("lock acquire and release on the node owning the lock, fence in the same slot") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string name = unique_prefix("clock") + "job";
    auto r = cli(cluster, {"lock", "acquire", name, "--ttl", "30s"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::string token = trim(r.out);
    std::string key = "lock:" + name;
    CHECK(client.command_for_key(key, {"GET", key}).str() == token);
    CHECK(cli(cluster, {"lock", "acquire", name}).exit_code == 1);
    r = cli(cluster, {"lock", "release", name, "--token", token});
    CHECK(r.exit_code == 0);
    CHECK(client.command_for_key(key, {"EXISTS", key}).integer() == 0);
}

TEST_CASE("ratelimit hit counts on the cluster and limits at the limit") {
    TestCluster& cluster = shared_cluster();
    std::string key = unique_prefix("crl") + "ip";
    CHECK(cli(cluster, {"ratelimit", "hit", key, "--limit", "2", "--window", "60s"}).exit_code ==
          0);
    CHECK(cli(cluster, {"ratelimit", "hit", key, "--limit", "2", "--window", "60s"}).exit_code ==
          0);
    auto r = cli(cluster, {"ratelimit", "hit", key, "--limit", "2", "--window", "60s", "--json"});
    CHECK(r.exit_code == 1);
    CHECK(json::parse(r.out)["allowed"] == false);
}

TEST_CASE("session create, list and destroy-all across slots") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string user = unique_prefix("cuser");
    std::set<std::string> ids;
    for (int i = 0; i < 6; ++i) {
        auto r = cli(cluster,
                     {"session", "create", "--user-id", user, "--field", "n=" + std::to_string(i)});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        ids.insert(trim(r.out));
    }
    std::set<size_t> nodes;
    for (const auto& id : ids) nodes.insert(cluster.owner_of(hash_slot("session:" + id)));
    auto r = cli(cluster, {"session", "list", "--user-id", user, "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const auto& id : ids) CHECK(r.out.find(id) != std::string::npos);

    r = cli(cluster, {"session", "destroy-all", "--user-id", user});
    CHECK(r.exit_code == 0);
    for (const auto& id : ids) {
        std::string key = "session:" + id;
        CHECK(client.command_for_key(key, {"EXISTS", key}).integer() == 0);
    }
    MESSAGE("sessions spread over " << nodes.size() << " nodes");
}

TEST_CASE("stream tail reads a stream on whichever node owns it") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    for (size_t n = 0; n < 3; ++n) {
        std::string s = key_on(cluster, n, unique_prefix("cstream"));
        for (int i = 0; i < 3; ++i)
            client.command_for_key(s, {"XADD", s, "*", "i", std::to_string(i)});
        auto r = cli(cluster, {"stream", "tail", s, "--from", "0", "--format", "json"});
        INFO(r.err);
        CHECK(r.exit_code == 0);
        std::istringstream lines(r.out);
        int count = 0;
        for (std::string line; std::getline(lines, line);) {
            if (!line.empty()) CHECK(json::parse(line)["stream"] == s);
            count += !line.empty();
        }
        CHECK(count == 3);
    }
}

// SCAN on the importing node lists the keys already moved there; the walk sends ASKING before
// its per-key commands so they answer instead of MOVED.
TEST_CASE("scan-audit -c counts each key once while a slot is being migrated") {
    TestCluster cluster;
    Client client(cluster.options());
    std::string tag = "{" + key_on(cluster, 0, "mig") + "}";
    int slot = hash_slot(tag);
    constexpr int kSpread = 300, kInSlot = 50;
    for (int i = 0; i < kSpread; ++i) {
        std::string k = "spread:" + std::to_string(i);
        client.command_for_key(k, {"SET", k, "v"});
    }
    for (int i = 0; i < kInSlot; ++i) {
        std::string k = tag + "item:" + std::to_string(i);
        client.command_for_key(k, {"SET", k, "v", "EX", "600"});
    }
    // Half the slot's keys already on the importing node, half still on the source.
    cluster.begin_migration(slot, 1);
    Connection src = cluster.node(0).connect();
    Args migrate = {"MIGRATE", "127.0.0.1", std::to_string(cluster.node(1).port()), "", "0",
                    "5000",    "KEYS"};
    for (int i = 0; i < kInSlot / 2; ++i) migrate.push_back(tag + "item:" + std::to_string(i));
    src.command(migrate);

    auto r = cli(cluster, {"scan-audit", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    json j = json::parse(r.out);
    CHECK(j["complete"] == true);
    CHECK(j["keys_scanned"] == kSpread + kInSlot);
    CHECK(j["no_ttl"]["count"] == kSpread);
    CHECK(j["nodes"].size() == 3);
    cluster.finish_migration(slot, 1);
}

TEST_CASE("scan-audit -c with a master down exits 3, incomplete, naming the node") {
    TestCluster cluster;
    Client client(cluster.options());
    for (int i = 0; i < 100; ++i) {
        std::string k = "k:" + std::to_string(i);
        client.command_for_key(k, {"SET", k, "v"});
    }
    client.masters();  // the map is known; now a master goes away
    int dead = cluster.node(2).port();
    cluster.node(2).kill();
    auto r = cli(cluster, {"scan-audit", "--json"});
    CHECK(r.exit_code == 3);
    bool named = r.err.find(std::to_string(dead)) != std::string::npos ||
                 r.out.find(std::to_string(dead)) != std::string::npos ||
                 r.err.find("cluster_state:fail") != std::string::npos;
    CHECK_MESSAGE(named, r.err);
}
