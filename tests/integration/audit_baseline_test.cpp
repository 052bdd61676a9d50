// scan-audit --baseline: findings classed new / grown / known / gone against an earlier JSON
// report, with gates counting only what got worse; standalone and on a 3-master cluster.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "deploy_fixture.hpp"
#include "fixture.hpp"
#include "redis/client.hpp"

using namespace redisops;
using namespace redisops::test;
using nlohmann::json;

namespace {

using Send = std::function<void(const Args&)>;  // a keyed command, routed to its owner

CliResult audit(const std::vector<std::string>& global, std::vector<std::string> args) {
    std::vector<std::string> argv = global;
    argv.push_back("scan-audit");
    argv.insert(argv.end(), args.begin(), args.end());
    return run_cli(argv, cli_options("", {}, 60));
}

json audit_json(const std::vector<std::string>& global, std::vector<std::string> args,
                int expect_exit) {
    args.insert(args.begin(), {"--format", "json"});
    CliResult r = audit(global, args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == expect_exit);
    return json::parse(r.out);
}

std::string class_of(const json& rows, const char* field, const std::string& name) {
    for (const auto& p : rows) {
        if (p[field] == name) return p["baseline"].get<std::string>();
    }
    return "absent";
}

void add_keys(const Send& send, const std::string& prefix, int from, int to) {
    for (int i = from; i < to; ++i) send({"SET", prefix + std::to_string(i), "value-of-ten"});
}

/// grow:* 200 and steady:* 100 and old:* 20 keys without TTL; big:1 (200 KB, with a TTL).
void load_before(const Send& send) {
    add_keys(send, "grow:", 0, 200);
    add_keys(send, "steady:", 0, 100);
    add_keys(send, "old:", 0, 20);
    send({"SET", "big:1", std::string(200 * 1024, 'x'), "EX", "3600"});
}

/// 100 keys in a new pattern, 60 more grow:* (30 %), 3 more steady:* (3 %), a new big key,
/// and old:* deleted.
void change(const Send& send) {
    add_keys(send, "fresh:", 0, 100);
    add_keys(send, "grow:", 200, 260);
    add_keys(send, "steady:", 100, 103);
    send({"SET", "big:2", std::string(300 * 1024, 'y'), "EX", "3600"});
    for (int i = 0; i < 20; ++i) send({"DEL", "old:" + std::to_string(i)});
}

void check_classes(const std::vector<std::string>& global, const std::string& dir) {
    std::string base = dir + "/baseline.json";
    CliResult first = audit(global, {"--format", "json", "--output", base});
    REQUIRE(first.exit_code == 0);

    // The unchanged keyspace against its own baseline passes, although it holds no-TTL keys.
    CHECK(audit(global, {"--fail-on", "no-ttl,big"}).exit_code == 1);
    json same = audit_json(global, {"--baseline", base, "--fail-on", "no-ttl,big"}, 0);
    CHECK(same["baseline"]["counts"]["new"] == 0);
    CHECK(same["baseline"]["counts"]["grown"] == 0);
    CHECK(same["baseline"]["counts"]["known"] == 4);  // grow, steady, old, big:1
    CHECK(same["baseline"]["counts"]["gone"] == 0);
}

void check_changed(const std::vector<std::string>& global, const std::string& dir) {
    std::string base = dir + "/baseline.json";
    json r = audit_json(global, {"--baseline", base, "--fail-on", "no-ttl,big"}, 1);
    const json& patterns = r["no_ttl"]["patterns"];
    CHECK(class_of(patterns, "pattern", "fresh:*") == "new");
    CHECK(class_of(patterns, "pattern", "grow:*") == "grown");
    CHECK(class_of(patterns, "pattern", "steady:*") == "known");
    CHECK(class_of(patterns, "pattern", "old:*") == "absent");
    CHECK(class_of(r["big_keys"], "key", "big:1") == "known");
    CHECK(class_of(r["big_keys"], "key", "big:2") == "new");
    const json& b = r["baseline"];
    CHECK(b["file"] == base);
    CHECK(b["counts"]["new"] == 2);
    CHECK(b["counts"]["grown"] == 1);
    CHECK(b["counts"]["known"] == 2);
    CHECK(b["counts"]["gone"] == 1);
    CHECK(b["gone"]["patterns"] == json::array({"old:*"}));
    CHECK(b["generated_at"].get<std::string>().size() == 20);
    CHECK(r["failed_checks"] == json::array({"no-ttl", "big"}));

    // Only the big keys gated: still 1 (big:2 is new).
    CHECK(audit(global, {"--baseline", base, "--fail-on", "big"}).exit_code == 1);
    // A wider slack makes grow:* known; fresh:* stays new.
    json wide = audit_json(global, {"--baseline", base, "--baseline-slack", "50%"}, 0);
    CHECK(class_of(wide["no_ttl"]["patterns"], "pattern", "grow:*") == "known");
    CHECK(class_of(wide["no_ttl"]["patterns"], "pattern", "fresh:*") == "new");
    // A count slack: 60 > 59 keys grown, not > 60.
    json n59 = audit_json(global, {"--baseline", base, "--baseline-slack", "59"}, 0);
    CHECK(class_of(n59["no_ttl"]["patterns"], "pattern", "grow:*") == "grown");
    json n60 = audit_json(global, {"--baseline", base, "--baseline-slack", "60"}, 0);
    CHECK(class_of(n60["no_ttl"]["patterns"], "pattern", "grow:*") == "known");

    // JUnit: each new or grown finding is a failed testcase of its own.
    CliResult junit = audit(global, {"--baseline", base, "--format", "junit"});
    size_t cases = 0;
    for (size_t at = junit.out.find("scan-audit.baseline."); at != std::string::npos;
         at = junit.out.find("scan-audit.baseline.", at + 1))
        ++cases;
    CHECK(cases == 3);  // fresh:*, grow:*, big:2
    CliResult html = audit(global, {"--baseline", base, "--format", "html"});
    CHECK(html.out.find("<section id=\"baseline\">") != std::string::npos);
    CHECK(html.out.find("2 new, 1 grown, 2 known, 1 gone") != std::string::npos);
    CliResult table = audit(global, {"--baseline", base});
    CHECK(table.out.find("2 new, 1 grown, 2 known, 1 gone") != std::string::npos);
}

}  // namespace

TEST_CASE("a baseline classes new, grown, known and gone findings, and gates only the worse") {
    RedisServer server;
    Connection c = server.connect();
    Send send = [&](const Args& a) { c.command(a); };
    load_before(send);
    check_classes(server.port_args(), server.dir());
    change(send);
    check_changed(server.port_args(), server.dir());
}

TEST_CASE("KEYS calls since the baseline are new; a stats reset counts from the reset") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "k", "v", "EX", "100"});
    c.command({"KEYS", "nothing:*"});
    c.command({"KEYS", "nothing:*"});
    std::string base = server.dir() + "/base.json";
    REQUIRE(audit(server.port_args(), {"--format", "json", "--output", base}).exit_code == 0);
    json same = audit_json(server.port_args(), {"--baseline", base, "--fail-on", "keys-usage"}, 0);
    CHECK(same["baseline"]["keys_command"]["new"] == false);

    c.command({"CONFIG", "RESETSTAT"});
    c.command({"KEYS", "nothing:*"});
    json r = audit_json(server.port_args(), {"--baseline", base, "--fail-on", "keys-usage"}, 1);
    CHECK(r["baseline"]["keys_command"]["new"] == true);
    CHECK(r["baseline"]["keys_command"]["stats_reset"] == true);
    CHECK(r["baseline"]["keys_command"]["calls_since"] == 1);
}

TEST_CASE("a baseline of another server is used with a note; a file that is no report exits 2") {
    RedisServer a, b;
    a.connect().command({"SET", "x:1", "v"});
    b.connect().command({"SET", "x:1", "v"});
    std::string base = a.dir() + "/a.json";
    REQUIRE(audit(a.port_args(), {"--format", "json", "--output", base}).exit_code == 0);
    json r = audit_json(b.port_args(), {"--baseline", base, "--fail-on", "no-ttl"}, 0);
    bool noted = false;
    for (const auto& n : r["notes"])
        noted |= n.get<std::string>().find("run_id") != std::string::npos;
    CHECK(noted);

    std::string bad = a.dir() + "/bad.json";
    for (const char* text : {"{\"hello\": 1}", "not json at all", "[1,2]",
                             "{\"generated_at\":\"x\",\"keys_scanned\":1,\"no_ttl\":{}}"}) {
        std::ofstream(bad) << text;
        CliResult e = audit(a.port_args(), {"--baseline", bad});
        INFO(text);
        CHECK(e.exit_code == 2);
        CHECK(e.err.find("not a redis-ops scan-audit JSON report") != std::string::npos);
    }
    CHECK(audit(a.port_args(), {"--baseline", a.dir() + "/missing.json"}).exit_code == 2);
    CHECK(audit(a.port_args(), {"--baseline", base, "--baseline-slack", "lots"}).exit_code == 2);
}

TEST_CASE("on a 3-master cluster the baseline compares the merged reports") {
    TestCluster cluster(3);
    Client client(cluster.options());
    Send send = [&](const Args& a) { client.command_for_key(a[1], a); };
    load_before(send);
    TempDir dir;
    check_classes(cluster.cli_args(), dir.path());
    change(send);
    check_changed(cluster.cli_args(), dir.path());
}
