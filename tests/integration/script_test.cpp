// The one NOSCRIPT path (Script::call) on a real server: one SCRIPT LOAD and one retry, the
// load's own refusal reported with the server's kind, and a timed-out script never resent.
#include "redis/script.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fixture.hpp"
#include "redis/client.hpp"
#include "redis/errors.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

/// `calls=N` of one command in INFO commandstats (0 when it never ran).
long long calls_of(Connection& c, const std::string& command) {
    std::string stats(c.command({"INFO", "commandstats"}).str());
    auto at = stats.find("cmdstat_" + command + ":calls=");
    if (at == std::string::npos) return 0;
    return std::stoll(stats.substr(at + command.size() + 15));
}

}  // namespace

TEST_CASE("NOSCRIPT is answered by one SCRIPT LOAD and one EVALSHA through the same exchange") {
    RedisServer server;
    Connection c = server.connect();
    Script s("test_set", "return redis.call('SET', KEYS[1], ARGV[1])");
    std::vector<std::string> sent;
    auto exchange = [&](const Args& argv) {
        sent.push_back(argv[0] + (argv[0] == "SCRIPT" ? " " + argv[1] : ""));
        return c.command_unchecked(argv);
    };
    Reply first = s.call(exchange, {"k"}, {"v1"});
    CHECK(first.str() == "OK");
    CHECK(sent == std::vector<std::string>{"EVALSHA", "SCRIPT LOAD", "EVALSHA"});
    sent.clear();
    s.call(exchange, {"k"}, {"v2"});
    CHECK(sent == std::vector<std::string>{"EVALSHA"});  // loaded now: no second load
    CHECK(c.command({"GET", "k"}).str() == "v2");
}

TEST_CASE("an error reply of the script itself comes back once, not retried") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "str", "x"});
    Script s("test_sadd", "return redis.call('SADD', KEYS[1], 'm')");
    int exchanges = 0;
    Reply r = s.call(
        [&](const Args& argv) {
            ++exchanges;
            return c.command_unchecked(argv);
        },
        {"str"}, {});
    REQUIRE(r.is_error());
    CHECK(classify_error(r.error()) == ErrorKind::WrongType);
    CHECK(exchanges == 3);  // EVALSHA (NOSCRIPT), SCRIPT LOAD, EVALSHA (WRONGTYPE)
    CHECK_THROWS_AS(s.run(c, {"str"}, {}), ReplyError);
    CHECK(c.command({"GET", "str"}).str() == "x");
}

TEST_CASE("a SCRIPT LOAD the ACL refuses is an error naming the script, kind NOPERM") {
    RedisServer server;
    Connection admin = server.connect();
    admin.command({"ACL", "SETUSER", "runner", "on", ">runner-pw", "~*", "&*", "+@all", "-script"});
    ConnectionOptions o;
    o.address.port = server.port();
    o.user = "runner";
    o.password = "runner-pw";
    Connection c = Connection::open(o);
    Script s("test_noperm", "return 1");
    try {
        s.run(c, {"k"}, {});
        FAIL("no throw");
    } catch (const ReplyError& e) {
        CHECK(e.kind() == ErrorKind::NoPerm);
        CHECK(is_denied(e.kind()));
        CHECK(std::string(e.what()).find("SCRIPT LOAD of test_noperm") != std::string::npos);
    }
}

TEST_CASE("a script that timed out is not sent again, even on the NOSCRIPT reload path") {
    RedisServer server;
    Connection admin = server.connect();
    // Counts its runs, then keeps the server busy for 300 ms: longer than the client waits.
    // Valkey freezes TIME for the length of a script, so the loop also ends after a bounded
    // number of calls (about a second of work, well under busy-reply-threshold).
    Script slow("test_slow_incr",
                "redis.call('INCR', KEYS[1]) "
                "local t = redis.call('TIME') local start = t[1] * 1000000 + t[2] "
                "local n = 0 "
                "repeat t = redis.call('TIME') n = n + 1 "
                "until t[1] * 1000000 + t[2] - start > 300000 or n > 2000000 "
                "return 1");
    ConnectionOptions o;
    o.address.port = server.port();
    o.command_timeout = std::chrono::milliseconds(100);
    Client client(o);
    // Not loaded yet: EVALSHA answers NOSCRIPT, SCRIPT LOAD, then the EVALSHA that times out.
    CHECK_THROWS_AS(client.eval(slow, {"runs"}, {}), TimeoutError);
    // This GET waits behind the script; a resent script would run after it and show in the
    // counter or in the EVALSHA count read next.
    CHECK(admin.command({"GET", "runs"}).str() == "1");
    CHECK(calls_of(admin, "evalsha") == 2);
    CHECK(admin.command({"GET", "runs"}).str() == "1");
}
