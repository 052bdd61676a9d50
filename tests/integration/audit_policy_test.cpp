// scan-audit --policy against a real server whose keyspace breaks every rule field a known
// number of times; and every kind of bad policy file exits 2 naming file:line:column.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "fixture.hpp"
#include "redis/pipeline.hpp"

using namespace redisops;
using namespace redisops::test;
using nlohmann::json;

namespace {

constexpr const char* kPolicy = R"(# every field, each with known violators
defaults:
  severity: error
rules:
  - match: "sess:admin:*"   # placed first: admins may live forever
    ttl: optional
  - match: "sess:*"
    ttl: required
  - match: "flag:*"
    ttl: forbidden
  - match: "otp:*"
    min_ttl: 60s
  - match: "cache:*"
    max_ttl: 1h
    severity: warn
  - match: "blob:*"
    max_bytes: 1kb
  - match: "q:*"
    type: list
    max_elements: 10
  - match: "cold:*"
    ttl: optional
    max_idle: 1s
)";

std::string write(const std::string& dir, const std::string& name, const std::string& text) {
    std::string path = dir + "/" + name;
    std::ofstream(path) << text;
    return path;
}

const json& rule(const json& report, int n) { return report["policy"]["rules"][n - 1]; }

}  // namespace

TEST_CASE("a policy counts the violators of every rule field exactly, first match wins") {
    RedisServer server;
    Connection c = server.connect();
    Pipeline p(c);
    auto set = [&](const std::string& k, const std::string& v, int ex) {
        if (ex > 0)
            p.add({"SET", k, v, "EX", std::to_string(ex)});
        else
            p.add({"SET", k, v});
    };
    for (int i = 0; i < 4; ++i) set("cold:" + std::to_string(i), "v", 0);
    for (int i = 0; i < 3; ++i) set("warm:" + std::to_string(i), "v", 0);
    p.exec();
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    for (int i = 0; i < 3; ++i) {
        // Renamed into cold:* and read: recently used under the same rule.
        c.command({"RENAME", "warm:" + std::to_string(i), "cold:w" + std::to_string(i)});
        c.command({"GET", "cold:w" + std::to_string(i)});
    }
    for (int i = 0; i < 2; ++i) set("sess:admin:" + std::to_string(i), "v", 0);
    for (int i = 0; i < 10; ++i) set("sess:" + std::to_string(i), "v", 600);
    for (int i = 10; i < 17; ++i) set("sess:" + std::to_string(i), "v", 0);  // 7: ttl
    for (int i = 0; i < 5; ++i) set("flag:" + std::to_string(i), "v", 600);  // 5: ttl
    for (int i = 5; i < 8; ++i) set("flag:" + std::to_string(i), "v", 0);
    for (int i = 0; i < 4; ++i) set("otp:" + std::to_string(i), "v", 10);  // 4: min_ttl
    for (int i = 4; i < 10; ++i) set("otp:" + std::to_string(i), "v", 600);
    for (int i = 0; i < 3; ++i) set("cache:" + std::to_string(i), "v", 7200);  // 3: max_ttl
    for (int i = 3; i < 5; ++i) set("cache:" + std::to_string(i), "v", 0);     // 2: max_ttl
    for (int i = 5; i < 10; ++i) set("cache:" + std::to_string(i), "v", 60);
    for (int i = 0; i < 2; ++i) set("blob:" + std::to_string(i), std::string(4096, 'b'), 100);
    for (int i = 2; i < 5; ++i) set("blob:" + std::to_string(i), "small", 100);
    for (int i = 0; i < 7; ++i) {
        std::string k = "q:" + std::to_string(i);
        int n = i < 3 ? 20 : 2;  // 3: max_elements
        for (int e = 0; e < n; ++e) p.add({"RPUSH", k, std::to_string(e)});
        p.add({"EXPIRE", k, "100"});
    }
    p.exec();

    std::string policy = write(server.dir(), "policy.yaml", kPolicy);
    CliResult out = run_cli(
        server, {"scan-audit", "--format", "json", "--policy", policy, "--fail-on", "policy"});
    INFO(out.err);
    REQUIRE(out.exit_code == 1);
    json r = json::parse(out.out);
    CHECK(rule(r, 1)["keys"] == 0);  // sess:admin:* matched first, although sess:* also fits
    CHECK(rule(r, 2)["keys"] == 7);
    CHECK(rule(r, 2)["fields"]["ttl"] == 7);
    CHECK(rule(r, 2)["patterns"][0]["examples"].size() == 3);
    CHECK(rule(r, 3)["fields"]["ttl"] == 5);
    CHECK(rule(r, 4)["fields"]["min_ttl"] == 4);
    CHECK(rule(r, 5)["fields"]["max_ttl"] == 5);
    CHECK(rule(r, 5)["severity"] == "warn");
    CHECK(rule(r, 6)["fields"]["max_bytes"] == 2);
    CHECK(rule(r, 7)["fields"]["max_elements"] == 3);
    CHECK(rule(r, 8)["fields"]["max_idle"] == 4);
    CHECK(rule(r, 8)["keys"] == 4);
    CHECK(r["policy"]["rules"][8]["rule"] == "defaults");
    CHECK(r["policy"]["errors"] == 7 + 5 + 4 + 2 + 3 + 4);
    CHECK(r["policy"]["warnings"] == 5);
    // The policy's ttl rules replace the built-in check: sess:admin:*, flag:*, cold:* may lack
    // a TTL; sess:10..16 and cache:3,4 may not.
    CHECK(r["no_ttl"]["count"] == 7 + 2);

    // Warnings print but never fail.
    std::string warn_only = write(server.dir(), "warn.yaml",
                                  "rules:\n  - match: 'cache:*'\n    max_ttl: 1h\n"
                                  "    severity: warn\n");
    CliResult w = run_cli(server, {"scan-audit", "--policy", warn_only, "--fail-on", "policy"});
    CHECK(w.exit_code == 0);
    CHECK(w.out.find("cache:*") != std::string::npos);

    // JSON policies are read too.
    std::string as_json =
        write(server.dir(), "p.json", R"({"rules": [{"match": "blob:*", "max_bytes": "1kb"}]})");
    CliResult j = run_cli(server, {"scan-audit", "--format", "json", "--policy", as_json});
    REQUIRE(j.exit_code == 0);
    CHECK(json::parse(j.out)["policy"]["rules"][0]["keys"] == 2);

    CliResult html = run_cli(server, {"scan-audit", "--format", "html", "--policy", policy});
    CHECK(html.out.find("<section id=\"policy\">") != std::string::npos);
    CHECK(html.out.find("#2 sess:*") != std::string::npos);

    CliResult prom = run_cli(server, {"scan-audit", "--format", "prometheus", "--policy", policy});
    CHECK(prom.out.find(
              "redis_ops_audit_policy_violations{rule=\"#2 sess:*\",severity=\"error\"} 7") !=
          std::string::npos);
}

TEST_CASE("each bad policy file exits 2 naming file:line:column and the field") {
    RedisServer server;
    struct Bad {
        const char* text;
        const char* where;  // ":LINE:COLUMN: field"
    };
    for (const Bad& b : {
             Bad{"rules:\n  - match: [unclosed\n", ":3:1: syntax"},
             Bad{"rules:\n  - match: 'x:*'\n    max_byts: 1kb\n", ":3:5: max_byts: unknown field"},
             Bad{"rules:\n  - match: 'x:*'\n    max_ttl: 5 parsecs\n", ":3:14: max_ttl"},
             Bad{"rules:\n  - match: 'x:*'\n    max_bytes: lots\n", ":3:16: max_bytes"},
             Bad{"rules:\n  - match: ''\n", ":2:12: match: empty match"},
             Bad{"rules:\n  - ttl: required\n", ":2:5: match"},
             Bad{"rulez: []\n", ":1:1: rulez: unknown field"},
             Bad{"rules:\n  - match: 'x:*'\n    ttl: sometimes\n", ":3:10: ttl"},
         }) {
        std::string path = write(server.dir(), "bad.yaml", b.text);
        CliResult r = run_cli(server, {"scan-audit", "--policy", path});
        INFO(b.text << " -> " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(path + b.where) != std::string::npos);
        CHECK(r.out.empty());
    }
}
