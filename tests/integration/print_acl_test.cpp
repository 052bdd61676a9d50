// --print-acl: a user made from exactly the printed rules runs every operation the rules are
// for, and a user missing any one of the printed commands fails (exit 4 naming it) or, for an
// optional source, says in a note what it could not read: the list is not padded.
#include <doctest/doctest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fixture.hpp"

using namespace redisops;
using namespace redisops::test;
using nlohmann::json;

namespace {

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

std::vector<std::string> lines(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) {
        if (!l.empty()) out.push_back(l);
    }
    return out;
}

/// The printed rules, each line sent as it is (its words as argv), then `on >pw`. A second
/// line (commands of newer servers) is refused exactly where the server lacks them.
void create_user(Connection& c, const std::string& printed, const std::string& drop = {}) {
    auto all = lines(printed);
    REQUIRE(!all.empty());
    std::string user;
    for (size_t i = 0; i < all.size(); ++i) {
        auto argv = words(all[i]);
        REQUIRE(argv.size() > 3);
        REQUIRE(argv[0] == "ACL");
        REQUIRE(argv[1] == "SETUSER");
        user = argv[2];
        if (!drop.empty()) std::erase(argv, "+" + drop);
        Reply r = c.command_unchecked(argv);
        if (i == 0) {
            INFO(all[i] << ": " << (r.is_error() ? r.error() : ""));
            REQUIRE(!r.is_error());
        } else {
            bool has_no_touch = !c.command_unchecked({"CLIENT", "NO-TOUCH", "OFF"}).is_error();
            CHECK(r.is_error() != has_no_touch);
        }
    }
    c.command({"ACL", "SETUSER", user, "on", ">pw"});
}

std::string printed_acl(std::vector<std::string> args) {
    args.push_back("--print-acl");
    CliResult r = run_cli(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
}

/// The commands the printed rules allow, as written after '+'.
std::vector<std::string> allowed_commands(const std::string& printed) {
    std::vector<std::string> out;
    for (const auto& w : words(lines(printed).at(0))) {
        if (w.size() > 1 && w[0] == '+') out.push_back(w.substr(1));
    }
    return out;
}

CliResult as(const RedisServer& server, const std::string& user, std::vector<std::string> args,
             const std::string& stdin_data = {}) {
    args.insert(args.begin(), {"--user", user});
    return run_cli(server, args, cli_options(stdin_data, {{"REDISCLI_AUTH", "pw"}}, 60));
}

/// Runs `ops` as `user` and returns the first failure, or exit 0.
using Ops = std::function<CliResult(const std::string& user)>;

/// Every printed command is needed: without it some operation exits 4 naming it.
void check_each_command_is_needed(const RedisServer& server, const std::string& printed,
                                  const Ops& ops, const std::vector<std::string>& not_here = {}) {
    Connection c = server.connect();
    for (const auto& cmd : allowed_commands(printed)) {
        if (std::find(not_here.begin(), not_here.end(), cmd) != not_here.end()) continue;
        CAPTURE(cmd);
        c.command({"FLUSHALL"});
        c.command({"SCRIPT", "FLUSH"});
        create_user(c, printed, cmd);
        CliResult r = ops(lines(printed)[0].substr(12, lines(printed)[0].find(' ', 12) - 12));
        INFO("stderr: " << r.err);
        CHECK(r.exit_code == 4);
        // A command a script calls: Redis 7.0 answers "The user executing the script can't run
        // this command", Valkey 8 "ACL failure in (key …)", neither with the command's name.
        bool named =
            r.err.find("'" + cmd + "'") != std::string::npos ||
            r.err.find("executing the script can't run this command") != std::string::npos ||
            r.err.find("ACL failure in") != std::string::npos;
        CHECK(named);
        c.command({"ACL", "DELUSER", words(lines(printed)[0])[2]});
    }
}

/// Runs each operation in turn; the first that does not exit as expected is returned.
CliResult first_failure(std::vector<std::function<CliResult()>> steps) {
    CliResult last;
    last.exit_code = 0;
    for (auto& step : steps) {
        last = step();
        if (last.exit_code != 0) return last;
    }
    return last;
}

}  // namespace

TEST_CASE("lock --print-acl --prefix job: covers acquire, status, extend, release, run and list") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed = printed_acl({"lock", "--prefix", "job:"});
    CHECK(printed.find("~job:*") != std::string::npos);
    CHECK(printed.find("~{job:*}:*") != std::string::npos);
    CHECK(printed.find("&{job:*}:released") != std::string::npos);
    CHECK(printed.find("+evalsha") != std::string::npos);

    auto ops = [&](const std::string& user) {
        return first_failure({
            [&] {
                return as(server, user, {"lock", "acquire", "deploy", "--prefix", "job:"});
            },
            [&] {
                return as(server, user, {"lock", "status", "deploy", "--prefix", "job:"});
            },
            [&] {
                std::string token = c.command({"GET", "job:deploy"}).str().data();
                CliResult r =
                    as(server, user,
                       {"lock", "extend", "deploy", "--prefix", "job:", "--token", token});
                if (r.exit_code != 0) return r;
                r = as(server, user,
                       {"lock", "release", "deploy", "--prefix", "job:", "--token", token});
                if (r.exit_code != 0) return r;
                // Taken again: the fencing counter exists now, so this one INCRs it.
                r = as(server, user, {"lock", "acquire", "deploy", "--prefix", "job:"});
                if (r.exit_code != 0) return r;
                std::string again = r.out.substr(0, r.out.find('\n'));
                return as(server, user,
                          {"lock", "release", "deploy", "--prefix", "job:", "--token", again});
            },
            [&] {
                // A waiter subscribes to the release channel while the lock is busy.
                c.command({"SET", "job:busy", "someone", "PX", "300"});
                return as(server, user,
                          {"lock", "acquire", "busy", "--prefix", "job:", "--wait", "5s"});
            },
            [&] {
                return as(server, user, {"lock", "run", "r", "--prefix", "job:", "--", "true"});
            },
            [&] {
                return as(server, user, {"lock", "list", "--prefix", "job:"});
            },
        });
    };
    create_user(c, printed);
    CliResult all = ops("redis-ops-lock");
    INFO("stderr: " << all.err);
    CHECK(all.exit_code == 0);
    CHECK(c.command({"EXISTS", "job:deploy"}).integer() == 0);  // released
    CHECK(c.command({"PTTL", "job:busy"}).integer() > 0);       // acquired after the wait
    CHECK(c.command({"EXISTS", "{job:deploy}:fence"}).integer() == 1);
    c.command({"ACL", "DELUSER", "redis-ops-lock"});
    check_each_command_is_needed(server, printed, ops);
}

TEST_CASE("ratelimit --print-acl covers hit and status of every algorithm, and reset") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed = printed_acl({"ratelimit", "--prefix", "rl:"});
    CHECK(printed.find("~rl:*") != std::string::npos);
    auto ops = [&](const std::string& user) {
        std::vector<std::function<CliResult()>> steps;
        for (std::string algo : {"sliding", "fixed", "gcra"}) {
            for (std::string verb : {"hit", "status"}) {
                steps.push_back([&server, user, algo, verb] {
                    return as(server, user,
                              {"ratelimit", verb, "api", "--prefix", "rl:", "--limit", "5",
                               "--window", "1m", "--algorithm", algo});
                });
            }
            // Over the limit (exit 1, limited): the scripts' retry-after branch runs too.
            steps.push_back([&server, user, algo] {
                CliResult r = as(server, user,
                                 {"ratelimit", "hit", "api", "--prefix", "rl:", "--limit", "5",
                                  "--window", "1m", "--algorithm", algo, "--cost", "5"});
                if (r.exit_code == 1) r.exit_code = 0;
                return r;
            });
            steps.push_back([&server, user, algo] {
                return as(server, user,
                          {"ratelimit", "reset", "api", "--prefix", "rl:", "--algorithm", algo});
            });
        }
        return first_failure(steps);
    };
    create_user(c, printed);
    CliResult all = ops("redis-ops-ratelimit");
    INFO("stderr: " << all.err);
    CHECK(all.exit_code == 0);
    CHECK(c.command({"DBSIZE"}).integer() == 0);  // reset removed what the hits wrote
    c.command({"ACL", "DELUSER", "redis-ops-ratelimit"});
    check_each_command_is_needed(server, printed, ops);
}

TEST_CASE("scan-audit --print-acl: a read-only user audits completely; each command counts") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed = printed_acl({"scan-audit"});
    CHECK(printed.find("%R~*") != std::string::npos);
    auto load = [&] {
        for (int i = 0; i < 10; ++i) c.command({"SET", "user:" + std::to_string(i), "x"});
        c.command({"HSET", "h", "f", "v"});
        c.command({"RPUSH", "l", "a"});
        c.command({"SADD", "s", "a"});
        c.command({"ZADD", "z", "1", "a"});
        c.command({"XADD", "x", "*", "f", "v"});
    };
    auto audit = [&](const std::string& user) {
        return as(server, user,
                  {"scan-audit", "--format", "json", "--big-elements", "1000", "--fail-on", ""});
    };
    load();
    create_user(c, printed);
    CliResult r = audit("redis-ops-audit");
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    json j = json::parse(r.out);
    CHECK(j["complete"] == true);
    CHECK(j["keys_scanned"] == 15);
    CHECK(j["no_ttl"]["bytes"].is_number());
    CHECK(j["notes"].dump().find("not allowed") == std::string::npos);
    c.command({"ACL", "DELUSER", "redis-ops-audit"});

    // Without an essential command: exit 4 naming it. Without an optional source: a note.
    const std::vector<std::string> optional = {"memory|usage", "slowlog|get", "client|list",
                                               "acl|whoami", "acl|dryrun"};
    for (const auto& cmd : allowed_commands(printed)) {
        if (cmd == "asking") continue;  // sent only to a cluster node importing a slot
        CAPTURE(cmd);
        create_user(c, printed, cmd);
        CliResult without = audit("redis-ops-audit");
        INFO("stderr: " << without.err);
        bool is_optional = std::find(optional.begin(), optional.end(), cmd) != optional.end();
        if (is_optional) {
            CHECK(without.exit_code == 0);
            std::string name = cmd.substr(0, cmd.find('|'));
            for (auto& ch : name) ch = static_cast<char>(std::toupper(ch));
            CHECK(json::parse(without.out)["notes"].dump().find(name + " ") != std::string::npos);
        } else {
            CHECK(without.exit_code == 4);
            CHECK(without.err.find("'" + cmd + "'") != std::string::npos);
        }
        c.command({"ACL", "DELUSER", "redis-ops-audit"});
    }
}

TEST_CASE("expire --print-acl covers expire with an undo log, and --undo") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed = printed_acl({"expire", "--match", "cart:*"});
    CHECK(printed.find("~cart:*") != std::string::npos);
    std::string log = server.dir() + "/undo.jsonl";
    auto ops = [&](const std::string& user) {
        for (int i = 0; i < 5; ++i) c.command({"SET", "cart:" + std::to_string(i), "x"});
        return first_failure({
            [&] {
                return as(server, user,
                          {"expire", "--match", "cart:*", "--ttl", "1h", "--undo-log", log});
            },
            [&] {
                return as(server, user, {"expire", "--undo", log});
            },
        });
    };
    create_user(c, printed);
    CliResult all = ops("redis-ops-expire");
    INFO("stderr: " << all.err);
    CHECK(all.exit_code == 0);
    for (int i = 0; i < 5; ++i)
        CHECK(c.command({"PTTL", "cart:" + std::to_string(i)}).integer() == -1);
}
