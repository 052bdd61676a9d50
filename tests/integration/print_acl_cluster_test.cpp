// --print-acl with -c: the rules add what cluster routing sends (CLUSTER INFO, CLUSTER SHARDS,
// ASKING). A user made from them on every node audits and locks a 3-master cluster; without
// CLUSTER INFO or CLUSTER SHARDS, routing fails with exit 4.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "deploy_fixture.hpp"
#include "print_acl_helpers.hpp"
#include "redis/client.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

/// The printed rules made into a user on every node (ACLs are per node), `drop` left out.
void create_cluster_user(TestCluster& cluster, const std::string& printed,
                         const std::string& drop = {}) {
    for (size_t i = 0; i < cluster.size(); ++i) {
        Connection c = cluster.node(i).connect();
        create_user(c, printed, drop);
    }
}

CliResult as_cluster_user(const TestCluster& cluster, const std::string& user,
                          std::vector<std::string> args) {
    std::vector<std::string> full = {"--user", user};
    for (const auto& a : cluster.cli_args()) full.push_back(a);
    full.insert(full.end(), args.begin(), args.end());
    return run_cli(full, cli_options({}, {{"REDISCLI_AUTH", "pw"}}, 60));
}

bool has(const std::string& printed, const std::string& word) {
    auto w = words(rule_lines(printed).at(0));
    return std::find(w.begin(), w.end(), word) != w.end();
}

}  // namespace

TEST_CASE("with -c, --print-acl adds the cluster routing commands, and only with -c") {
    for (std::vector<std::string> sub : {std::vector<std::string>{"scan-audit"},
                                         {"lock"},
                                         {"ratelimit"},
                                         {"expire"},
                                         {"cache"},
                                         {"session"},
                                         {"stream", "tail", "s"},
                                         {"pubsub", "tail", "ch"}}) {
        CAPTURE(sub.front());
        std::string plain = printed_acl(sub);
        sub.insert(sub.begin(), "-c");
        std::string clustered = printed_acl(sub);
        for (const char* cmd : {"+cluster|info", "+cluster|shards", "+asking"}) {
            CHECK_FALSE(has(plain, cmd));
            CHECK(has(clustered, cmd));
        }
    }
}

TEST_CASE("a user made from -c --print-acl on every node audits and locks a cluster") {
    TestCluster cluster(3);
    Client client(cluster.options());
    for (int i = 0; i < 30; ++i) {
        std::string key = "acl:" + std::to_string(i);
        client.command_for_key(key, {"SET", key, "v"});
    }

    std::string audit = printed_acl({"-c", "scan-audit"});
    create_cluster_user(cluster, audit);
    CliResult r = as_cluster_user(cluster, "redis-ops-audit",
                                  {"scan-audit", "--format", "json", "--fail-on", ""});
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["complete"] == true);
    CHECK(j["keys_scanned"] == 30);
    CHECK(j["nodes"].size() == 3);

    std::string lock = printed_acl({"-c", "lock"});
    create_cluster_user(cluster, lock);
    CliResult taken = as_cluster_user(cluster, "redis-ops-lock", {"lock", "acquire", "deploy"});
    INFO("stderr: " << taken.err);
    REQUIRE(taken.exit_code == 0);
    std::string token = taken.out.substr(0, taken.out.find('\n'));
    CHECK(client.command_for_key("lock:deploy", {"GET", "lock:deploy"}).str() == token);
    CliResult released =
        as_cluster_user(cluster, "redis-ops-lock", {"lock", "release", "deploy", "--token", token});
    CHECK(released.exit_code == 0);
    CHECK(client.command_for_key("lock:deploy", {"EXISTS", "lock:deploy"}).integer() == 0);

    // Routing needs each of them: without it, no slot map, and exit 4 naming the command.
    for (const std::string drop : {"cluster|info", "cluster|shards"}) {
        CAPTURE(drop);
        create_cluster_user(cluster, audit, drop);
        CliResult without = as_cluster_user(cluster, "redis-ops-audit",
                                            {"scan-audit", "--format", "json", "--fail-on", ""});
        INFO("stderr: " << without.err);
        CHECK(without.exit_code == 4);
        CHECK(without.err.find("cluster|") != std::string::npos);
    }
}
