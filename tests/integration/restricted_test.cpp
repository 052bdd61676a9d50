// Restricted servers, as managed services run them: renamed commands, DEBUG off, ACL users
// without SLOWLOG, CLIENT, INFO commandstats, ACL or MEMORY. An optional source that is missing
// becomes a note; only an essential command that is missing fails, with exit 4 naming it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "fixture.hpp"

using namespace redisops;
using namespace redisops::test;
using nlohmann::json;

namespace {

/// A few keys of each kind scan-audit reports: some without a TTL, one big.
void load_keys(Connection& c) {
    for (int i = 0; i < 20; ++i) c.command({"SET", "user:" + std::to_string(i) + ":name", "x"});
    for (int i = 0; i < 10; ++i) {
        c.command({"SET", "session:" + std::to_string(i), "y", "EX", "3600"});
    }
    c.command({"SET", "blob", std::string(200'000, 'b')});
}

/// A user with every command but the ACL rules in `deny` ("-slowlog" …).
void add_user(Connection& c, const std::string& name, std::vector<std::string> deny) {
    std::vector<std::string> argv = {"ACL", "SETUSER", name, "on", ">pw", "~*", "&*", "+@all"};
    argv.insert(argv.end(), deny.begin(), deny.end());
    c.command(argv);
}

CliResult as_user(const RedisServer& server, const std::string& user,
                  std::vector<std::string> args) {
    args.insert(args.begin(), {"--user", user});
    return run_cli(server, args, cli_options("", {{"REDISCLI_AUTH", "pw"}}, 60));
}

/// scan-audit --format json that must complete (exit 0) and count every key.
json complete_audit(const CliResult& r) {
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    json j = json::parse(r.out);
    CHECK(j["complete"] == true);
    CHECK(j["keys_scanned"] == 31);
    CHECK(j["no_ttl"]["count"] == 21);
    return j;
}

bool has_note(const json& report, const std::string& text) {
    for (const auto& n : report["notes"]) {
        if (n.get<std::string>().find(text) != std::string::npos) return true;
    }
    return false;
}

const std::vector<std::string> kAudit = {"scan-audit", "--format", "json", "--big-bytes", "100kb"};

}  // namespace

TEST_CASE("rename-command CONFIG \"\": scan-audit completes and lock status notes the policy") {
    RedisServer server({"--rename-command", "CONFIG", ""});
    Connection c = server.connect();
    load_keys(c);
    std::vector<std::string> args = {"-p", std::to_string(server.port())};
    args.insert(args.end(), kAudit.begin(), kAudit.end());
    json j = complete_audit(run_cli(args, cli_options("", {}, 60)));
    CHECK(j["big_keys"][0]["key"] == "blob");

    CHECK(run_cli(server, {"lock", "acquire", "job"}).exit_code == 0);
    CliResult st = run_cli(server, {"--json", "lock", "status", "job"});
    REQUIRE(st.exit_code == 0);
    CHECK(json::parse(st.out)["held"] == true);
    CHECK(st.err.find("eviction policy unknown") != std::string::npos);
    CHECK(st.err.find("unknown command") != std::string::npos);
}

TEST_CASE("rename-command KEYS \"\": scan-audit never needed KEYS and completes") {
    RedisServer server({"--rename-command", "KEYS", ""});
    Connection c = server.connect();
    load_keys(c);
    std::vector<std::string> args = {"-p", std::to_string(server.port())};
    args.insert(args.end(), kAudit.begin(), kAudit.end());
    json j = complete_audit(run_cli(args, cli_options("", {}, 60)));
    CHECK(j["keys_command"]["calls"] == 0);
}

TEST_CASE("DEBUG disabled (enable-debug-command no): audit, cache and lock all work") {
    RedisServer server({"--enable-debug-command", "no"});
    Connection c = server.connect();
    REQUIRE(c.command_unchecked({"DEBUG", "SLEEP", "0"}).is_error());
    load_keys(c);
    std::vector<std::string> args = {"-p", std::to_string(server.port())};
    args.insert(args.end(), kAudit.begin(), kAudit.end());
    complete_audit(run_cli(args, cli_options("", {}, 60)));
    CHECK(run_cli(server, {"cache", "set", "k", "v", "--ttl", "1m"}).exit_code == 0);
    CHECK(c.command({"PTTL", "k"}).integer() > 0);
    CHECK(run_cli(server, {"lock", "acquire", "d"}).exit_code == 0);
    CHECK(c.command({"EXISTS", "lock:d"}).integer() == 1);
}

namespace {

/// An audit as a user denied `deny`: it completes, and a note names what it could not read.
json audit_denied(std::vector<std::string> deny, const std::string& note) {
    RedisServer server;
    Connection c = server.connect();
    load_keys(c);
    add_user(c, "restricted", std::move(deny));
    json j = complete_audit(as_user(server, "restricted", kAudit));
    INFO("notes: " << j["notes"].dump());
    CHECK(has_note(j, note));
    return j;
}

}  // namespace

TEST_CASE("a user denied SLOWLOG: scan-audit completes with a note saying so") {
    audit_denied({"-slowlog"}, "SLOWLOG is not allowed for this user: NOPERM");
}

TEST_CASE("a user denied CLIENT: scan-audit completes with a note saying so") {
    audit_denied({"-client"}, "CLIENT LIST is not allowed for this user: NOPERM");
}

TEST_CASE("a user denied INFO commandstats: scan-audit completes with a note saying so") {
    // INFO is not a container command: ACL rules cannot deny one section ("-info|commandstats"
    // is rejected); the managed-service way is -info and then allowing the sections the user
    // may read, each as a first argument.
    json j = audit_denied({"-info", "+info|server", "+info|keyspace", "+info|replication"},
                          "INFO commandstats is not allowed for this user: NOPERM");
    CHECK(j["keys_command"]["calls"] == 0);
}

TEST_CASE("a user denied ACL: scan-audit completes with a note saying so") {
    audit_denied({"-acl"}, "ACL WHOAMI is not allowed for this user: NOPERM");
}

TEST_CASE("a user denied MEMORY: bytes are unavailable (null, said so), never zero") {
    RedisServer server;
    Connection c = server.connect();
    load_keys(c);
    add_user(c, "nomem", {"-memory"});
    json j = complete_audit(as_user(server, "nomem", kAudit));
    CHECK(has_note(j, "MEMORY USAGE is not allowed for this user: NOPERM"));
    CHECK(j["bytes_source"] == "unavailable");
    CHECK(j["no_ttl"]["bytes"].is_null());
    REQUIRE(!j["no_ttl"]["patterns"].empty());
    for (const auto& p : j["no_ttl"]["patterns"]) CHECK(p["bytes"].is_null());
    CHECK(j["memory"]["total_bytes"].is_null());
    for (const auto& k : j["top_keys"]) CHECK(k["bytes"].is_null());

    // The text report says n/a where the sizes would be; Prometheus leaves the byte series out.
    CliResult text = as_user(server, "nomem", {"scan-audit"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("memory: unavailable") != std::string::npos);
    CHECK(text.out.find("n/a") != std::string::npos);
    CliResult prom = as_user(server, "nomem", {"scan-audit", "--format", "prometheus"});
    CHECK(prom.exit_code == 0);
    CHECK(prom.out.find("redis_ops_audit_no_ttl_keys") != std::string::npos);
    CHECK(prom.out.find("redis_ops_audit_no_ttl_bytes") == std::string::npos);
    CHECK(prom.out.find("redis_ops_audit_memory_bytes") == std::string::npos);
    // The HTML page says "unavailable" where a size would be, and shows no size of zero.
    CliResult page = as_user(server, "nomem", {"scan-audit", "--format", "html"});
    CHECK(page.exit_code == 0);
    CHECK(page.out.find("data-role=\"bytes-unavailable\"") != std::string::npos);
    CHECK(page.out.find(">unavailable<") != std::string::npos);
    CHECK(page.out.find(">0 B<") == std::string::npos);
    CHECK(page.out.find("data-json=\"/memory/total_bytes\"") == std::string::npos);
}

TEST_CASE("an essential command missing fails with exit 4 naming it") {
    RedisServer server;
    Connection c = server.connect();
    load_keys(c);
    add_user(c, "noscan", {"-scan"});
    CliResult audit = as_user(server, "noscan", kAudit);
    CHECK(audit.exit_code == 4);
    CHECK(audit.err.find("'scan'") != std::string::npos);

    add_user(c, "noscripts", {"-evalsha", "-eval"});
    CliResult lock = as_user(server, "noscripts", {"lock", "acquire", "x"});
    CHECK(lock.exit_code == 4);
    CHECK(lock.err.find("'evalsha'") != std::string::npos);
    CHECK(c.command({"EXISTS", "lock:x"}).integer() == 0);
}
