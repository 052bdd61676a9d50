// --print-acl of `session`: for each layout (redis-ops with its index, connect-redis, Spring
// Session) a user made from exactly the printed rules creates, reads, touches, lists, counts and
// destroys sessions under the prefixes given beside --print-acl, and each printed command is
// needed. Layout auto prints the union, which covers all three.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "print_acl_helpers.hpp"
#include "session_writers.hpp"

using namespace redisops;
using namespace redisops::test;
using nlohmann::json;

namespace {

using Step = std::function<CliResult()>;

/// `session ARGS… LAYOUT_FLAGS…` as `user`.
Step session_as(const RedisServer& server, const std::string& user, std::vector<std::string> args,
                const std::vector<std::string>& layout) {
    args.insert(args.begin(), "session");
    args.insert(args.end(), layout.begin(), layout.end());
    return [&server, user, args] { return as(server, user, args); };
}

/// A step whose JSON output must satisfy `ok`; otherwise it fails as exit 99.
Step checked(Step step, std::function<bool(const json&)> ok) {
    return [step, ok] {
        CliResult r = step();
        if (r.exit_code == 0 && !ok(json::parse(r.out))) r.exit_code = 99;
        return r;
    };
}

bool exists(Connection& c, const std::string& key) {
    return c.command({"EXISTS", key}).integer() == 1;
}

/// The redis-ops layout under --prefix s: --index-prefix u:, as in session_test.cpp.
CliResult redis_ops_ops(const RedisServer& server, Connection& c, const std::string& user,
                        const std::vector<std::string>& layout, const std::string& prefix,
                        const std::string& index) {
    auto id = std::make_shared<std::string>();
    auto run = [&](std::vector<std::string> args) {
        return session_as(server, user, args, layout);
    };
    return first_failure({
        [&] {
            CliResult r =
                run({"create", "--user-id", "42", "--field", "theme=dark", "--ttl", "1h"})();
            *id = r.out.substr(0, r.out.find('\n'));
            return r;
        },
        [&] {
            return run({"get", *id})();
        },
        [&] {
            return run({"get", *id, "--touch", "--ttl", "2h"})();
        },
        [&] {
            CliResult r = run({"touch", *id, "--ttl", "3h"})();
            if (r.exit_code == 0 && c.command({"PTTL", prefix + *id}).integer() < 7'000'000) {
                r.exit_code = 99;
            }
            return r;
        },
        [&] {
            CliResult r = run({"create", "--user-id", "42"})();
            c.command({"SADD", index + "42", "dead"});  // expired behind the index's back
            return r;
        },
        checked(run({"list", "--user-id", "42", "--json"}),
                [](const json& j) { return j["count"] == 2 && j["pruned"] == 1; }),
        checked(run({"stats", "--json"}), [](const json& j) { return j["sessions"] == 2; }),
        [&] {
            return run({"destroy", *id})();
        },
        checked(run({"destroy-all", "--user-id", "42", "--json"}),
                [](const json& j) { return j["destroyed"] == 1; }),
    });
}

/// connect-redis sessions as express-session writes them, under sess:.
CliResult connect_ops(const RedisServer& server, Connection& c, const std::string& user,
                      const std::vector<std::string>& layout) {
    connect_set(c, "a1", "42");
    connect_set(c, "a2", "42");
    connect_set(c, "b1", "7");
    auto run = [&](std::vector<std::string> args) {
        return session_as(server, user, args, layout);
    };
    return first_failure({
        run({"get", "a1"}),
        run({"touch", "a1", "--ttl", "2h"}),
        run({"get", "a2", "--touch"}),
        checked(run({"list", "--user-id", "42", "--json"}),
                [](const json& j) { return j["count"] == 2; }),
        checked(run({"stats", "--json"}), [](const json& j) { return j["sessions"] >= 3; }),
        run({"destroy", "a1"}),
        checked(run({"destroy-all", "--user-id", "42", "--json"}),
                [](const json& j) { return j["destroyed"] == 1; }),
    });
}

/// Spring Session's indexed repository under spring:session, one session never expiring.
CliResult spring_ops(const RedisServer& server, Connection& c, const std::string& user,
                     const std::vector<std::string>& layout) {
    long long now = now_ms();
    spring_save(c, "s1", "alice", now);
    spring_save(c, "s2", "alice", now - 120'000);  // filed under an older minute: moved
    spring_save(c, "s3", "bob", now);
    spring_save(c, "forever", "bob", now, -1);  // a touch PERSISTs it
    auto run = [&](std::vector<std::string> args) {
        return session_as(server, user, args, layout);
    };
    return first_failure({
        run({"get", "s1"}),
        run({"touch", "s2"}),
        run({"get", "s1", "--touch"}),
        run({"touch", "forever"}),
        checked(run({"list", "--user-id", "alice", "--json"}),
                [](const json& j) { return j["count"] == 2; }),
        checked(run({"stats", "--json"}), [](const json& j) { return j["sessions"] == 4; }),
        run({"destroy", "s1"}),
        checked(run({"destroy-all", "--user-id", "alice", "--json"}),
                [](const json& j) { return j["destroyed"] == 1; }),
    });
}

void check_redis_ops_left(Connection& c) {
    CHECK(c.command({"DBSIZE"}).integer() == 0);  // sessions, index and tombstone all gone
}

void check_connect_left(Connection& c) {
    CHECK(!exists(c, "sess:a1"));
    CHECK(!exists(c, "sess:a2"));
    CHECK(c.command({"TTL", "sess:b1"}).integer() > 0);  // another user's, spared
}

void check_spring_left(Connection& c) {
    const std::string ns = "spring:session:sessions:";
    CHECK(!exists(c, ns + "s1"));
    CHECK(!exists(c, ns + "s2"));
    CHECK(!exists(c, ns + "expires:s1"));
    CHECK(exists(c, ns + "s3"));
    CHECK(c.command({"TTL", ns + "forever"}).integer() == -1);  // persisted by the touch
    CHECK(c.command({"EXISTS", kNs + ":index:" + kPrincipalIndex + ":alice"}).integer() == 0);
}

}  // namespace

TEST_CASE("session --print-acl --layout redis-ops follows --prefix and --index-prefix") {
    RedisServer server;
    Connection c = server.connect();
    const std::vector<std::string> layout = {"--layout", "redis-ops",      "--prefix",
                                             "s:",       "--index-prefix", "u:"};
    std::vector<std::string> args = {"session"};
    args.insert(args.end(), layout.begin(), layout.end());
    std::string printed = printed_acl(args);
    CHECK(printed.find(" ~s:* ~u:* ~{u:*}:*\n") != std::string::npos);
    auto ops = [&](const std::string& user) {
        return redis_ops_ops(server, c, user, layout, "s:", "u:");
    };
    check_printed_acl(server, c, printed, ops, [&] { check_redis_ops_left(c); });
}

TEST_CASE("session --print-acl --layout connect-redis covers what connect-redis keeps") {
    RedisServer server;
    Connection c = server.connect();
    const std::vector<std::string> layout = {"--layout", "connect-redis"};
    std::string printed = printed_acl({"session", "--layout", "connect-redis"});
    CHECK(printed.find(" ~sess:*\n") != std::string::npos);
    auto ops = [&](const std::string& user) { return connect_ops(server, c, user, layout); };
    check_printed_acl(server, c, printed, ops, [&] { check_connect_left(c); });
}

TEST_CASE("session --print-acl --layout spring covers Spring's keys under --namespace") {
    RedisServer server;
    Connection c = server.connect();
    const std::vector<std::string> layout = {"--layout", "spring"};
    CHECK(printed_acl({"session", "--layout", "spring", "--namespace", "app"}).find(" ~app:*\n") !=
          std::string::npos);
    std::string printed = printed_acl({"session", "--layout", "spring"});
    CHECK(printed.find(" ~spring:session:*\n") != std::string::npos);
    auto ops = [&](const std::string& user) { return spring_ops(server, c, user, layout); };
    check_printed_acl(server, c, printed, ops, [&] { check_spring_left(c); });
}

TEST_CASE("session --print-acl (layout auto) covers every layout, and each command counts") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed = printed_acl({"session"});
    CHECK(printed.find(" ~session:* ~user_sessions:* ~{user_sessions:*}:* ~spring:session:* "
                       "~sess:*\n") != std::string::npos);
    auto ops = [&](const std::string& user) {
        return first_failure({
            [&] {
                return redis_ops_ops(server, c, user, {"--layout", "redis-ops"},
                                     "session:", "user_sessions:");
            },
            [&] {
                return connect_ops(server, c, user, {"--layout", "connect-redis"});
            },
            [&] {
                return spring_ops(server, c, user, {"--layout", "spring"});
            },
            // And auto itself, which looks at each layout's key in turn.
            [&] {
                return as(server, user, {"session", "get", "s3"});
            },
            [&] {
                return as(server, user, {"session", "list", "--user-id", "bob"});
            },
        });
    };
    check_printed_acl(server, c, printed, ops, [&] {
        check_connect_left(c);
        check_spring_left(c);
    });
}
