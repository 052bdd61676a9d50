// --print-acl of `cache` and `invalidate-tag`: a user made from exactly the printed rules runs
// every cache operation (get, set and fetch with tags, the single-flight lock, its renewal,
// a waiter's subscription, del, ttl) and every invalidation (dry run, drain of tombstones), and
// each printed command is needed.
#include <doctest/doctest.h>

#include "print_acl_helpers.hpp"
#include "redis/slot.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

bool is_member(Connection& c, const std::string& set, const std::string& member) {
    return c.command({"SISMEMBER", set, member}).integer() == 1;
}

}  // namespace

TEST_CASE("cache --print-acl --prefix page: covers set, get, ttl, fetch with tags, waiting, del") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed = printed_acl({"cache", "--prefix", "page:"});
    CHECK(printed.find("~page:*") != std::string::npos);
    CHECK(printed.find("~{page:*}:*") != std::string::npos);
    CHECK(printed.find("~tag:*") != std::string::npos);
    CHECK(printed.find("&{page:*}:ready") != std::string::npos);
    CHECK(printed.find("+subscribe") != std::string::npos);

    auto ops = [&](const std::string& user) {
        return first_failure({
            [&] {
                // A tag in another slot (tag_add.lua) and one in the key's slot (cache_store.lua).
                return as(server, user,
                          {"cache", "set", "page:{u1}", "v1", "--ttl", "1m", "--tag", "t1", "--tag",
                           "{u1}"});
            },
            [&] {
                return as(server, user, {"cache", "get", "page:{u1}"});
            },
            [&] {
                return as(server, user, {"cache", "ttl", "page:{u1}"});
            },
            [&] {
                // The lock is renewed while the command runs (lock TTL 300ms, command 0.5s),
                // then the value is stored with its tag and the waiters are told.
                return as(server, user,
                          {"cache", "fetch", "page:b", "--ttl", "1m", "--tag", "t1", "--lock-ttl",
                           "300ms", "--", "sh", "-c", "sleep 0.5; echo computed"});
            },
            [&] {
                // Another caller holds the lock: this one subscribes and waits, then takes over
                // once that lock expires without a value.
                c.command({"SET", "{page:c}:lock", "someone", "PX", "300"});
                return as(server, user,
                          {"cache", "fetch", "page:c", "--ttl", "1m", "--", "echo", "late"});
            },
            [&] {
                // A failing command: the lock is released with the failure published.
                CliResult r =
                    as(server, user,
                       {"cache", "fetch", "page:d", "--ttl", "1m", "--", "sh", "-c", "exit 3"});
                if (r.exit_code == 3) r.exit_code = 0;
                return r;
            },
            [&] {
                return as(server, user, {"cache", "del", "page:{u1}"});
            },
            [&] {
                // A key with a stray '}': its companions carry a computed tag after "page:".
                return as(server, user,
                          {"cache", "fetch", "page:a}b", "--ttl", "1m", "--", "echo", "braced"});
            },
        });
    };
    CliResult all = run_as_printed_user(c, printed, ops);
    INFO("stderr: " << all.err);
    CHECK(all.exit_code == 0);
    CHECK(c.command({"EXISTS", "page:{u1}"}).integer() == 0);  // deleted
    CHECK(is_member(c, "tag:t1", "page:{u1}"));
    CHECK(is_member(c, "tag:{u1}", "page:{u1}"));
    CHECK(is_member(c, "tag:t1", "page:b"));
    CHECK(c.command({"GET", "page:b"}).str() == "computed\n");
    CHECK(c.command({"PTTL", "page:b"}).integer() > 0);
    CHECK(c.command({"EXISTS", "{page:b}:delta"}).integer() == 1);
    CHECK(c.command({"EXISTS", "{page:b}:lock"}).integer() == 0);  // released by the store
    CHECK(c.command({"GET", "page:c"}).str() == "late\n");
    CHECK(c.command({"EXISTS", "page:d"}).integer() == 0);  // a failure is not cached
    CHECK(c.command({"PTTL", "tag:t1"}).integer() > 0);
    CHECK(c.command({"GET", "page:a}b"}).str() == "braced\n");
    CHECK(c.command({"EXISTS", same_slot_key("page:a}b", ":delta")}).integer() == 1);
    check_each_command_is_needed(server, printed, ops);
}

TEST_CASE("cache --print-acl without --prefix allows every key and every ready channel") {
    std::string printed = printed_acl({"cache"});
    CHECK(printed.find(" ~* &*:ready") != std::string::npos);
    CHECK(printed.find("~tag:*") == std::string::npos);  // already covered by ~*
}

TEST_CASE("invalidate-tag --print-acl covers --dry-run and the drain of every tombstone") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed = printed_acl({"invalidate-tag", "--prefix", "page:"});
    CHECK(printed.find("~page:*") != std::string::npos);
    CHECK(printed.find("~tag:*") != std::string::npos);
    CHECK(printed.find("~{tag:*}:*") != std::string::npos);
    auto ops = [&](const std::string& user) {
        for (int i = 0; i < 5; ++i) {
            std::string key = "page:" + std::to_string(i);
            c.command({"SET", key, "x", "PX", "60000"});
            c.command({"SADD", "tag:t1", key});
        }
        c.command({"PEXPIRE", "tag:t1", "60000"});
        // A tombstone an interrupted run left behind is drained too.
        c.command({"SET", "page:old", "x", "PX", "60000"});
        c.command({"SADD", "{tag:t1}:tombstone:0", "page:old"});
        c.command({"PEXPIRE", "{tag:t1}:tombstone:0", "60000"});
        c.command({"SADD", "{tag:t1}:tombstones", "{tag:t1}:tombstone:0"});
        c.command({"PEXPIRE", "{tag:t1}:tombstones", "60000"});
        return first_failure({
            [&] {
                CliResult r = as(server, user, {"invalidate-tag", "t1", "--dry-run"});
                if (r.exit_code == 0 && r.out != "6\n") r.exit_code = 99;
                return r;
            },
            [&] {
                CliResult r = as(server, user, {"invalidate-tag", "t1", "--batch", "2"});
                if (r.exit_code == 0 && r.out != "6\n") r.exit_code = 99;
                return r;
            },
        });
    };
    check_printed_acl(server, c, printed, ops, [&] {
        CHECK(c.command({"DBSIZE"}).integer() == 0);  // members, set, tombstones and registry gone
    });
}
