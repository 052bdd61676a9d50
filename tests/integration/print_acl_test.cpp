// --print-acl: a user made from exactly the printed rules runs every operation the rules are
// for, and a user missing any one of the printed commands fails (exit 4 naming it) or, for an
// optional source, says in a note what it could not read: the list is not padded.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "print_acl_helpers.hpp"
#include "redis/slot.hpp"

using namespace redisops;
using namespace redisops::test;
using nlohmann::json;

TEST_CASE("lock --print-acl --prefix job: covers acquire, status, extend, release, run and list") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed = printed_acl({"lock", "--prefix", "job:"});
    CHECK(printed.find("~job:*") != std::string::npos);
    CHECK(printed.find("~{job:*}:*") != std::string::npos);
    CHECK(printed.find("&{job:*}:released") != std::string::npos);
    CHECK(printed.find("&job:*:released") != std::string::npos);
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
            [&] {
                // A name with a stray '}': its fence, holder and channel carry a computed tag
                // after "job:", so the prefix's rules cover them.
                CliResult r = as(server, user, {"lock", "acquire", "a}b", "--prefix", "job:"});
                if (r.exit_code != 0) return r;
                std::string token = r.out.substr(0, r.out.find('\n'));
                return as(server, user,
                          {"lock", "release", "a}b", "--prefix", "job:", "--token", token});
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
    CHECK(c.command({"EXISTS", "job:a}b"}).integer() == 0);  // released
    CHECK(c.command({"PTTL", same_slot_key("job:a}b", ":fence")}).integer() > 0);
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

TEST_CASE("each man page shows exactly what --print-acl prints for the invocation it names") {
    // The page's example as the user reads it: roff's '\-' is a '-'.
    auto page_text = [](const std::string& page) {
        std::ifstream in(std::string(REDIS_OPS_SOURCE_DIR) + "/man/" + page);
        std::stringstream text;
        text << in.rdbuf();
        std::string s = text.str();
        for (size_t at; (at = s.find("\\-")) != std::string::npos;) s.erase(at, 1);
        return s;
    };
    const std::vector<std::pair<std::string, std::vector<std::string>>> pages = {
        {"redis-ops-lock.1", {"lock"}},
        {"redis-ops-ratelimit.1", {"ratelimit"}},
        {"redis-ops-scan-audit.1", {"scan-audit"}},
        {"redis-ops-expire.1", {"expire", "--match", "session:*"}},
        {"redis-ops-cache.1", {"cache", "--prefix", "page:"}},
        {"redis-ops-invalidate-tag.1", {"invalidate-tag", "--prefix", "page:"}},
        {"redis-ops-stream.1", {"stream", "tail", "orders"}},
        {"redis-ops-stream.1",
         {"stream", "tail", "orders", "--group", "workers", "--consumer", "c1"}},
        {"redis-ops-stream.1", {"stream", "info", "orders"}},
        {"redis-ops-pubsub.1", {"pubsub", "tail", "news", "alerts"}},
        {"redis-ops-pubsub.1", {"pubsub", "tail", "ev.*", "--pattern"}},
        {"redis-ops-session.1", {"session", "--layout", "redis-ops"}},
        {"redis-ops-session.1", {"session", "--layout", "connect-redis"}},
        {"redis-ops-session.1", {"session", "--layout", "spring"}},
    };
    for (const auto& [page, args] : pages) {
        CAPTURE(page);
        std::string printed = printed_acl(args);
        CHECK(page_text(page).find(printed) != std::string::npos);
    }
}
