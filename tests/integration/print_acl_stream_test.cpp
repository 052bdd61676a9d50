// --print-acl of `stream tail`, `stream info` and `pubsub tail`: a user made from exactly the
// printed rules reads what the stream and Pub/Sub tests read (the last N, from a time, -f,
// several streams, a consumer group with --create-group --ack --claim-idle, info with a lag
// to count; channels, patterns, sharded channels), and each printed command is needed.
#include <doctest/doctest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "print_acl_helpers.hpp"
#include "redis/pipeline.hpp"

using namespace redisops;
using namespace redisops::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> xadd_n(Connection& c, const std::string& key, int n) {
    Pipeline p(c);
    for (int i = 0; i < n; ++i) p.add({"XADD", key, "*", "n", std::to_string(i)});
    std::vector<std::string> ids;
    for (auto& r : p.exec()) ids.emplace_back(r.str());
    return ids;
}

size_t line_count(const std::string& out) {
    return static_cast<size_t>(std::ranges::count(out, '\n'));
}

/// A run that exits 0 but printed other than `n` lines fails as 99, so ops report it.
CliResult expect_lines(CliResult r, size_t n) {
    if (r.exit_code == 0 && line_count(r.out) != n) r.exit_code = 99;
    return r;
}

/// Runs `args` as `user` in the background until `listening()` holds, then `publish()`es and
/// waits for the tail to end; a tail refused at the start ends first and is returned as is.
CliResult tail_while(const RedisServer& server, const std::string& user,
                     std::vector<std::string> args, const std::function<bool()>& listening,
                     const std::function<void()>& publish) {
    auto fut = std::async(std::launch::async, [&] { return as(server, user, args); });
    auto until = std::chrono::steady_clock::now() + 20s;
    while (!listening()) {
        if (fut.wait_for(20ms) == std::future_status::ready) return fut.get();
        if (std::chrono::steady_clock::now() > until) break;
    }
    publish();
    return fut.get();
}

}  // namespace

TEST_CASE("stream tail --print-acl: a read-only user reads the last N, from a time, and with -f") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed = printed_acl({"stream", "tail", "s1", "s2"});
    CHECK(printed.find("%R~s1 %R~s2") != std::string::npos);
    auto ops = [&](const std::string& user) {
        xadd_n(c, "s1", 12);
        xadd_n(c, "s2", 3);
        return first_failure({
            [&] {
                return expect_lines(as(server, user, {"stream", "tail", "s1"}), 10);
            },
            [&] {
                return expect_lines(as(server, user, {"stream", "tail", "s1", "--from", "-4"}), 4);
            },
            [&] {
                return expect_lines(
                    as(server, user, {"stream", "tail", "s1", "s2", "--from", "@-5m"}), 15);
            },
            [&] {
                return expect_lines(as(server, user,
                                       {"stream", "tail", "s1", "s2", "--from", "0", "-f",
                                        "--count", "15", "--block", "100ms"}),
                                    15);
            },
        });
    };
    check_printed_acl(server, c, printed, ops, [&] {
        CHECK(c.command({"XLEN", "s1"}).integer() == 12);  // read, nothing written
        CHECK(c.command({"DBSIZE"}).integer() == 2);
    });
}

TEST_CASE("stream tail --group --print-acl covers --create-group, --claim-idle and --ack") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed =
        printed_acl({"stream", "tail", "s", "--group", "g", "--consumer", "c", "--ack"});
    CHECK(printed.find(" ~s") != std::string::npos);  // XREADGROUP writes: not read-only
    CHECK(printed.find("%R~") == std::string::npos);
    auto waiting_in_xread = [&] {
        std::string clients(c.command({"CLIENT", "LIST"}).str());
        return clients.find("cmd=xread ") != std::string::npos;
    };
    auto ops = [&](const std::string& user) {
        c.command({"DEL", "s"});
        return first_failure({
            [&] {
                // A consumer started before its stream exists waits for it (EXISTS, then
                // XREAD BLOCK), then reads the entry that created it.
                return expect_lines(
                    tail_while(server, user,
                               {"stream", "tail", "s", "-f", "--group", "early", "--consumer", "w",
                                "--create-group", "--count", "1"},
                               waiting_in_xread, [&] { xadd_n(c, "s", 6); }),
                    1);
            },
            [&] {
                // A consumer that takes 3 and dies with them pending.
                return expect_lines(as(server, user,
                                       {"stream", "tail", "s", "--group", "g", "--consumer", "dead",
                                        "--create-group", "--from", "@-5m", "--count", "3"}),
                                    3);
            },
            [&] {
                std::this_thread::sleep_for(50ms);
                return expect_lines(as(server, user,
                                       {"stream", "tail", "s", "--group", "g", "--consumer",
                                        "alive", "--claim-idle", "10ms", "--ack"}),
                                    6);
            },
        });
    };
    check_printed_acl(server, c, printed, ops, [&] {
        CHECK(c.command({"XPENDING", "s", "g"})[0].integer() == 0);  // claimed and acked
        CHECK(c.command({"XLEN", "s"}).integer() == 6);
        CHECK(c.command({"XPENDING", "s", "early"})[0].integer() == 1);  // read, not acked
    });
}

TEST_CASE("stream info --print-acl: a read-only user sees groups, pending and a counted lag") {
    RedisServer server;
    Connection c = server.connect();
    std::string printed = printed_acl({"stream", "info", "s"});
    CHECK(printed.find("%R~s") != std::string::npos);
    bool lag_counted = false;
    auto ops = [&](const std::string& user) {
        auto ids = xadd_n(c, "s", 10);
        c.command({"XGROUP", "CREATE", "s", "g", "0"});
        c.command({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "4", "STREAMS", "s", ">"});
        c.command({"XDEL", "s", ids[6]});  // the server's lag becomes unknown: it is counted
        CliResult r = as(server, user, {"--json", "stream", "info", "s"});
        if (r.exit_code != 0) return r;
        auto g = nlohmann::json::parse(r.out)["groups"][0];
        lag_counted = g["lag_source"] == "counted";
        if (g["pending"] != 4 || g["lag"] != 5 || g["consumers"][0]["name"] != "c1") {
            r.exit_code = 99;
        }
        return r;
    };
    CliResult all = run_as_printed_user(c, printed, ops);
    INFO("stdout: " << all.out << " stderr: " << all.err);
    CHECK(all.exit_code == 0);
    CHECK(c.command({"XPENDING", "s", "g"})[0].integer() == 4);  // nothing acked or claimed
    // XRANGE counts the lag only where the server does not give it.
    check_each_command_is_needed(
        server, printed, ops,
        lag_counted ? std::vector<std::string>{} : std::vector<std::string>{"xrange"});
}

TEST_CASE("pubsub tail --print-acl names the channels, patterns and sharded channels given") {
    RedisServer server;
    Connection c = server.connect();
    struct Mode {
        std::vector<std::string> args;  // after `pubsub tail`
        std::string rule, command;
        std::function<bool()> listening;
        std::function<void()> publish;
    };
    const std::vector<Mode> modes = {
        {{"news", "alerts"},
         "&news &alerts",
         "subscribe",
         [&] {
             return c.command({"PUBSUB", "NUMSUB", "alerts"})[1].integer() == 1;
         },
         [&] {
             c.command({"PUBLISH", "news", "one"});
             c.command({"PUBLISH", "alerts", "two"});
         }},
        {{"ev.*", "--pattern"},
         "&ev.*",
         "psubscribe",
         [&] {
             return c.command({"PUBSUB", "NUMPAT"}).integer() == 1;
         },
         [&] {
             c.command({"PUBLISH", "ev.a", "one"});
             c.command({"PUBLISH", "ev.b", "two"});
         }},
        {{"sh", "--shard"},
         "&sh",
         "ssubscribe",
         [&] {
             return c.command({"PUBSUB", "SHARDNUMSUB", "sh"})[1].integer() == 1;
         },
         [&] {
             c.command({"SPUBLISH", "sh", "one"});
             c.command({"SPUBLISH", "sh", "two"});
         }},
    };
    for (const auto& m : modes) {
        CAPTURE(m.command);
        std::vector<std::string> args = {"pubsub", "tail"};
        args.insert(args.end(), m.args.begin(), m.args.end());
        std::string printed = printed_acl(args);
        CHECK(printed.find("+" + m.command + " +ping " + m.rule + "\n") != std::string::npos);
        // A quiet subscription is PINGed after --keepalive: the messages are published only
        // once a PING has been answered (or refused, which ends the tail).
        args.insert(args.end(), {"--count", "2", "--format", "{message}\\n", "--keepalive", "1s"});
        auto pinged = [&] {
            std::string stats(c.command({"INFO", "commandstats"}).str());
            return stats.find("cmdstat_ping:") != std::string::npos;
        };
        auto ops = [&](const std::string& user) {
            c.command({"CONFIG", "RESETSTAT"});
            return expect_lines(
                tail_while(
                    server, user, args, [&] { return m.listening() && pinged(); }, m.publish),
                2);
        };
        CliResult all = run_as_printed_user(c, printed, ops);
        INFO("stdout: " << all.out << " stderr: " << all.err);
        CHECK(all.exit_code == 0);
        CHECK(all.out == "one\ntwo\n");
        CHECK(pinged());  // the quiet subscription was PINGed and went on
        check_each_command_is_needed(server, printed, ops);
    }
}
