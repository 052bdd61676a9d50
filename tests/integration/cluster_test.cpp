// Client routing on a real 3-master Redis Cluster: slot map, MOVED, ASK, scripts, failures.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <thread>

#include "deploy_fixture.hpp"
#include "redis/client.hpp"
#include "redis/errors.hpp"
#include "redis/pipeline.hpp"
#include "redis/slot.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

/// One cluster for the tests that leave it whole; tests that break nodes make their own.
TestCluster& shared_cluster() {
    static TestCluster c;
    return c;
}

/// A key (with `prefix`) whose slot the cluster's node `node` owns now.
std::string key_on(TestCluster& cluster, size_t node, const std::string& prefix) {
    for (int i = 0;; ++i) {
        std::string key = prefix + std::to_string(i);
        if (cluster.owner_of(hash_slot(key)) == node) return key;
    }
}

bool node_has(TestCluster& cluster, size_t node, const std::string& key) {
    // EXISTS on the node itself. ASKING lets an importing node answer for a slot it does not
    // own yet; a node that neither owns nor imports the slot answers MOVED (an error).
    Connection c = cluster.node(node).connect();
    c.append({"ASKING"});
    c.append({"EXISTS", key});
    c.flush();
    c.read_reply();
    Reply r = c.read_reply();
    return !r.is_error() && r.integer() == 1;
}

}  // namespace

TEST_CASE("keys are routed to the master that owns their slot") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string p = unique_prefix("route");
    for (size_t n = 0; n < 3; ++n) {
        std::string key = key_on(cluster, n, p);
        client.command_for_key(key, {"SET", key, "v" + std::to_string(n)});
        CHECK(node_has(cluster, n, key));
        CHECK(client.connection_for_key(key).address().port == cluster.node(n).port());
        CHECK(client.command_for_key(key, {"GET", key}).str() == "v" + std::to_string(n));
    }
}

TEST_CASE("routing falls back to CLUSTER SLOTS where CLUSTER SHARDS is not allowed") {
    TestCluster& cluster = shared_cluster();
    for (size_t n = 0; n < 3; ++n) {
        cluster.node(n).connect().command(
            {"ACL", "SETUSER", "noshards", "on", ">pw", "~*", "+@all", "-cluster|shards"});
    }
    ConnectionOptions o = cluster.options();
    o.user = "noshards";
    o.password = "pw";
    Client client(o);
    CHECK(client.masters().size() == 3);
    std::string p = unique_prefix("slots");
    for (size_t n = 0; n < 3; ++n) {
        std::string key = key_on(cluster, n, p);
        client.command_for_key(key, {"SET", key, "v"});
        CHECK(node_has(cluster, n, key));
        client.command_for_key(key, {"DEL", key});
    }
    for (size_t n = 0; n < 3; ++n)
        cluster.node(n).connect().command({"ACL", "DELUSER", "noshards"});
}

TEST_CASE("a cluster announcing hostnames is routed by hostname, and scan-audit -c walks it") {
    // What managed services do: every node announces a name, and the cluster prefers it.
    TestCluster cluster(3, 0,
                        {"--cluster-announce-hostname", "localhost",
                         "--cluster-preferred-endpoint-type", "hostname"});
    Client client(cluster.options());
    auto masters = client.masters();
    REQUIRE(masters.size() == 3);
    for (const auto& m : masters) CHECK(m.host == "localhost");
    std::string p = unique_prefix("named");
    for (size_t n = 0; n < 3; ++n) {
        std::string key = key_on(cluster, n, p);
        client.command_for_key(key, {"SET", key, "v"});
        CHECK(node_has(cluster, n, key));
    }
    CliResult r = run_cli({"-c", "-p", std::to_string(cluster.node(0).port()), "scan-audit",
                           "--format", "json", "--fail-on", ""});
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["complete"] == true);
    CHECK(j["keys_scanned"] == 3);
    REQUIRE(j["nodes"].size() == 3);
    for (const auto& n : j["nodes"])
        CHECK(n["address"].get<std::string>().starts_with("localhost:"));
}

TEST_CASE("masters() lists every master once and connection_to reaches each") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    auto masters = client.masters();
    REQUIRE(masters.size() == 3);
    std::set<int> ports;
    for (const auto& m : masters) {
        ports.insert(m.port);
        Reply role = client.connection_to(m).command({"ROLE"});
        CHECK(role[0].str() == "master");
    }
    CHECK(ports ==
          std::set<int>{cluster.node(0).port(), cluster.node(1).port(), cluster.node(2).port()});
    CHECK(client.shards().size() == 3);
    // Keyless commands go to one master.
    CHECK(client.command({"PING"}).str() == "PONG");
}

TEST_CASE("a slot moved after the map was loaded is followed through MOVED") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string key = key_on(cluster, 0, unique_prefix("moved"));
    client.command_for_key(key, {"SET", key, "before"});
    REQUIRE(client.connection_for_key(key).address().port == cluster.node(0).port());

    cluster.migrate_slot(hash_slot(key), 1);  // the client's map is now stale
    REQUIRE(node_has(cluster, 1, key));
    CHECK(client.command_for_key(key, {"GET", key}).str() == "before");
    client.command_for_key(key, {"SET", key, "after"});
    // The map was refreshed: the key's connection is now node 1's.
    CHECK(client.connection_for_key(key).address().port == cluster.node(1).port());
    CHECK(*cluster.node(1).connect().command({"GET", key}).opt_str() == "after");
    cluster.migrate_slot(hash_slot(key), 0);
}

TEST_CASE("a slot being migrated is served through ASK and ASKING") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string p = unique_prefix("ask");
    std::string moved_key = key_on(cluster, 0, p);
    int slot = hash_slot(moved_key);
    std::string stays = "{" + std::string(hash_tag(moved_key)) + "}stays";
    std::string fresh = "{" + std::string(hash_tag(moved_key)) + "}fresh";
    client.command_for_key(moved_key, {"SET", moved_key, "moved-value"});
    client.command_for_key(stays, {"SET", stays, "stays-value"});

    cluster.begin_migration(slot, 2);
    // Move one key by hand: the source now answers ASK for it, keeps serving the other.
    Connection src = cluster.node(0).connect();
    src.command(
        {"MIGRATE", "127.0.0.1", std::to_string(cluster.node(2).port()), moved_key, "0", "5000"});
    CHECK(client.command_for_key(moved_key, {"GET", moved_key}).str() == "moved-value");
    CHECK(client.command_for_key(stays, {"GET", stays}).str() == "stays-value");
    // A new key in a migrating slot is created on the importing node.
    client.command_for_key(fresh, {"SET", fresh, "new"});
    CHECK(node_has(cluster, 2, fresh));

    SUBCASE("a script whose keys moved runs on the importing node (loaded there on NOSCRIPT)") {
        Script s("cluster_ask_get", "return redis.call('GET', KEYS[1])");
        CHECK(client.eval(s, {moved_key}, {}).str() == "moved-value");
    }
    cluster.finish_migration(slot, 2);
    CHECK(client.command_for_key(stays, {"GET", stays}).str() == "stays-value");
    cluster.migrate_slot(slot, 0);
}

TEST_CASE("a script with same-slot keys runs on the owner of its first key") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string base = key_on(cluster, 1, unique_prefix("script"));
    std::string fence = same_slot_key(base, ":fence");
    Script s("cluster_pair",
             "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCR', KEYS[2])");
    CHECK(client.eval(s, {base, fence}, {"owner"}).integer() == 1);
    CHECK(client.eval(s, {base, fence}, {"owner"}).integer() == 2);
    CHECK(node_has(cluster, 1, base));
    CHECK(node_has(cluster, 1, fence));
}

TEST_CASE("a script with keys in different slots is refused before it is sent") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string a = key_on(cluster, 0, unique_prefix("xa"));
    std::string b = key_on(cluster, 1, unique_prefix("xb"));
    Script s("cluster_cross", "redis.call('SET', KEYS[1], 1); redis.call('SET', KEYS[2], 1)");
    try {
        client.eval(s, {a, b}, {});
        FAIL("no throw");
    } catch (const std::logic_error& e) {
        CHECK(std::string(e.what()).find("redis-ops bug") != std::string::npos);
        CHECK(std::string(e.what()).find("cluster_cross") != std::string::npos);
    }
    CHECK_FALSE(node_has(cluster, 0, a));
    CHECK_FALSE(node_has(cluster, 1, b));
}

TEST_CASE("a CROSSSLOT reply is reported as a redis-ops bug, not retried") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string a = unique_prefix("cs") + "a";
    std::string b = unique_prefix("cs") + "b";
    REQUIRE(hash_slot(a) != hash_slot(b));
    CHECK_THROWS_WITH_AS(client.command_for_key(a, {"MSET", a, "1", b, "2"}),
                         doctest::Contains("redis-ops bug"), std::logic_error);
}

TEST_CASE("a pipeline on connection_for_key reaches the owner of a hashtag's slot") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string tag = "{" + unique_prefix("pipe") + "}";
    Pipeline p(client.connection_for_key(tag));
    for (int i = 0; i < 100; ++i) p.add({"SET", tag + std::to_string(i), "x"});
    for (const auto& r : p.exec()) CHECK_FALSE(r.is_error());
    size_t owner = cluster.owner_of(hash_slot(tag));
    CHECK(node_has(cluster, owner, tag + "99"));
}

TEST_CASE("-c against a server without cluster support is a usage error") {
    RedisServer plain;
    ConnectionOptions o;
    o.address.port = plain.port();
    o.cluster = true;
    Client client(o);
    CHECK_THROWS_WITH_AS(client.command_for_key("k", {"GET", "k"}),
                         doctest::Contains("not a cluster node"), UsageError);
}

TEST_CASE("a master that went away is named; a cluster in fail state says so") {
    TestCluster cluster;
    Client client(cluster.options());
    std::string key = key_on(cluster, 2, unique_prefix("down"));
    client.command_for_key(key, {"SET", key, "x"});
    int dead_port = cluster.node(2).port();
    cluster.node(2).kill();
    try {
        client.command_for_key(key, {"GET", key});
        FAIL("no throw");
    } catch (const ConnectionError& e) {
        std::string msg = e.what();
        // Before the node timeout the dead node is named; after it, the cluster's state.
        bool named = msg.find(std::to_string(dead_port)) != std::string::npos ||
                     msg.find("cluster_state:fail") != std::string::npos;
        CHECK_MESSAGE(named, msg);
    }
    // After cluster-node-timeout the survivors agree the cluster is down.
    Connection n0 = cluster.node(0).connect();
    for (int i = 0; i < 200; ++i) {
        if (std::string(n0.command({"CLUSTER", "INFO"}).str()).find("cluster_state:fail") !=
            std::string::npos) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Client fresh(cluster.options());
    CHECK_THROWS_WITH_AS(fresh.command_for_key(key, {"GET", key}),
                         doctest::Contains("cluster_state:fail"), ConnectionError);
    auto args = cluster.cli_args();
    args.insert(args.end(), {"cache", "get", key});
    auto r = run_cli(args);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("cluster_state:fail") != std::string::npos);
}

TEST_CASE("after a master fails over to its replica, a client with the old map follows") {
    TestCluster cluster(3, 1);
    Client client(cluster.options());
    std::string key = unique_prefix("failover") + "k";
    size_t owner = cluster.owner_of(hash_slot(key));
    // The replica must have the key before its master dies. WAIT counts acks of the writes
    // made on its own connection (on a fresh one it returns at once), so both go on one.
    Connection master = cluster.node(owner).connect();
    master.command({"SET", key, "survives"});
    REQUIRE(master.command({"WAIT", "1", "5000"}).integer() == 1);
    CHECK(client.command_for_key(key, {"GET", key}).str() == "survives");  // the map is loaded
    cluster.node(owner).kill();
    size_t promoted = cluster.wait_for_new_owner(hash_slot(key), owner);
    // The client still holds the dead master in its map: connecting fails, it reloads the map
    // and reads from the promoted replica.
    CHECK(client.command_for_key(key, {"GET", key}).str() == "survives");
    CHECK(client.connection_for_key(key).address().port == cluster.node(promoted).port());
    CHECK(client.masters().size() == 3);
}

TEST_CASE("pipeline_for_key survives a migrating slot (ASK per key) and a moved one (MOVED)") {
    TestCluster& cluster = shared_cluster();
    Client client(cluster.options());
    std::string tag = "{" + key_on(cluster, 0, unique_prefix("pl")) + "}";
    int slot = hash_slot(tag);
    std::vector<Args> sets;
    for (int i = 0; i < 20; ++i) sets.push_back({"SET", tag + std::to_string(i), "v"});
    for (const auto& r : client.pipeline_for_key(tag, sets)) CHECK_FALSE(r.is_error());

    cluster.begin_migration(slot, 1);
    Connection src = cluster.node(0).connect();
    Args migrate = {"MIGRATE", "127.0.0.1", std::to_string(cluster.node(1).port()), "", "0",
                    "5000",    "KEYS"};
    for (int i = 0; i < 10; ++i) migrate.push_back(tag + std::to_string(i));
    src.command(migrate);
    std::vector<Args> gets;
    for (int i = 0; i < 20; ++i) gets.push_back({"GET", tag + std::to_string(i)});
    gets.push_back({"INCR", tag + "0"});  // an error reply that is not a redirect stays in place
    auto replies = client.pipeline_for_key(tag, gets);
    REQUIRE(replies.size() == 21);
    for (int i = 0; i < 20; ++i) CHECK(replies[static_cast<size_t>(i)].str() == "v");
    CHECK(replies[20].is_error());

    cluster.finish_migration(slot, 1);
    replies = client.pipeline_for_key(tag, gets);
    for (int i = 0; i < 20; ++i) CHECK(replies[static_cast<size_t>(i)].str() == "v");
    CHECK(client.connection_for_key(tag).address().port == cluster.node(1).port());
    cluster.migrate_slot(slot, 0);
}
