// `redis-ops lock` against a real redis-server: what the commands leave in Redis (key, token,
// PTTL, fence), `lock run` under renewal, loss and signals, and interop with redis-py.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "fixture.hpp"
#include "redis/errors.hpp"

using namespace redisops;
using namespace redisops::test;
using namespace std::chrono_literals;

namespace {

std::optional<std::string> get(Connection& c, const std::string& key) {
    return c.command({"GET", key}).opt_str();
}
long long pttl(Connection& c, const std::string& key) { return c.command({"PTTL", key}).integer(); }

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/// Waits (bounded) until a file exists and is non-empty.
bool wait_for_file(const std::string& path, std::chrono::seconds limit = 20s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (exists(path) && !slurp(path).empty()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

/// Runs Python code with redis-py against the server; returns (exit code, stdout).
std::pair<int, std::string> python(const RedisServer& server, const std::string& code) {
    std::string script =
        "import redis, sys\nr = redis.Redis(port=" + std::to_string(server.port()) + ")\n" + code;
    std::string path = server.dir() + "/snippet.py";
    std::ofstream(path) << script;
    std::string cmd = "/usr/bin/python3 " + path;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int ws = ::pclose(p);
    return {WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, out};
}

CliOptions bounded(std::chrono::seconds s = 30s) {
    CliOptions o;
    o.timeout = s;
    return o;
}

}  // namespace

TEST_CASE("acquire prints a 128-bit token stored under lock:NAME with the TTL and a fence") {
    RedisServer server;
    Connection c = server.connect();
    auto r = run_cli(server, {"lock", "acquire", "job", "--ttl", "20s"}, bounded());
    REQUIRE(r.exit_code == 0);
    std::string token = trim(r.out);
    CHECK(token.size() == 32);
    CHECK(get(c, "lock:job") == token);
    CHECK(pttl(c, "lock:job") > 15000);
    CHECK(pttl(c, "lock:job") <= 20000);
    // A new counter starts from the server's TIME in microseconds and carries a long TTL.
    CHECK(std::stoll(get(c, "{lock:job}:fence").value_or("0")) > 1'600'000'000'000'000LL);
    CHECK(pttl(c, "{lock:job}:fence") > 29LL * 24 * 3600 * 1000);
}

TEST_CASE("a busy lock makes acquire exit 1, or the -E code, and leaves the holder alone") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "lock:busy", "holder", "PX", "60000"});
    auto r = run_cli(server, {"lock", "acquire", "busy"}, bounded());
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("busy") != std::string::npos);
    auto e = run_cli(server, {"lock", "acquire", "busy", "-E", "42", "--wait", "200ms"}, bounded());
    CHECK(e.exit_code == 42);
    CHECK(get(c, "lock:busy") == "holder");
    CHECK(pttl(c, "lock:busy") > 50000);
}

TEST_CASE("the fencing token strictly increases across acquisitions") {
    RedisServer server;
    Connection c = server.connect();
    long long last = 0;
    for (int i = 0; i < 3; ++i) {
        auto a = run_cli(server, {"--json", "lock", "acquire", "fenced"}, bounded());
        REQUIRE(a.exit_code == 0);
        auto doc = nlohmann::json::parse(a.out);
        long long fence = doc["fence"];
        CHECK(fence > last);
        last = fence;
        CHECK(get(c, "{lock:fenced}:fence") == std::to_string(fence));
        std::string token = doc["token"];
        CHECK(run_cli(server, {"lock", "release", "fenced", "--token", token}).exit_code == 0);
    }
    // lock run hands the next one to its command.
    auto r = run_cli(server,
                     {"lock", "run", "fenced", "--", "sh", "-c", "echo $REDIS_OPS_FENCING_TOKEN"},
                     bounded());
    REQUIRE(r.exit_code == 0);
    CHECK(std::stoll(r.out) > last);
}

TEST_CASE("acquire with the caller's own --token is idempotent for that owner") {
    RedisServer server;
    Connection c = server.connect();
    auto first = run_cli(server, {"lock", "acquire", "mine", "--token", "tok-1", "--ttl", "5s"});
    REQUIRE(first.exit_code == 0);
    const auto fence = get(c, "{lock:mine}:fence");
    CHECK(trim(first.out) == "tok-1");
    // The owner again: the TTL is reset and no new fencing token is drawn.
    auto again = run_cli(server, {"lock", "acquire", "mine", "--token", "tok-1", "--ttl", "60s"});
    CHECK(again.exit_code == 0);
    CHECK(pttl(c, "lock:mine") > 50000);
    CHECK(get(c, "{lock:mine}:fence") == fence);
    CHECK(run_cli(server, {"lock", "acquire", "mine", "--token", "tok-2"}).exit_code == 1);
    CHECK(get(c, "lock:mine") == "tok-1");
    CHECK(run_cli(server, {"lock", "acquire", "mine", "--token", ""}).exit_code == 2);
}

TEST_CASE("release with a stranger's token fails and keeps the lock; the owner's token frees it") {
    RedisServer server;
    Connection c = server.connect();
    std::string token = trim(run_cli(server, {"lock", "acquire", "rel", "--ttl", "60s"}).out);
    auto wrong = run_cli(server, {"lock", "release", "rel", "--token", "not-the-owner"}, bounded());
    CHECK(wrong.exit_code == 1);
    CHECK(get(c, "lock:rel") == token);
    CHECK(pttl(c, "lock:rel") > 50000);
    auto right = run_cli(server, {"lock", "release", "rel", "--token", token}, bounded());
    CHECK(right.exit_code == 0);
    CHECK_FALSE(get(c, "lock:rel"));
    // Releasing again: nothing to release.
    CHECK(run_cli(server, {"lock", "release", "rel", "--token", token}).exit_code == 1);
}

TEST_CASE("extend resets the TTL only for the owner and never re-creates an expired lock") {
    RedisServer server;
    Connection c = server.connect();
    std::string token = trim(run_cli(server, {"lock", "acquire", "ext", "--ttl", "5s"}).out);
    auto wrong = run_cli(server, {"lock", "extend", "ext", "--token", "stranger", "--ttl", "60s"});
    CHECK(wrong.exit_code == 1);
    CHECK(get(c, "lock:ext") == token);
    CHECK(pttl(c, "lock:ext") <= 5000);
    auto right = run_cli(server, {"lock", "extend", "ext", "--token", token, "--ttl", "60s"});
    CHECK(right.exit_code == 0);
    CHECK(pttl(c, "lock:ext") > 50000);
    c.command({"DEL", "lock:ext"});  // as if it had expired
    auto gone = run_cli(server, {"lock", "extend", "ext", "--token", token, "--ttl", "60s"});
    CHECK(gone.exit_code == 1);
    CHECK(c.command({"EXISTS", "lock:ext"}).integer() == 0);
}

TEST_CASE("release --force removes the lock and says whose token it was") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "lock:stuck", "ghost-token"});
    auto r = run_cli(server, {"lock", "release", "stuck", "--force"}, bounded());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("ghost-token") != std::string::npos);
    CHECK(c.command({"EXISTS", "lock:stuck"}).integer() == 0);
    CHECK(run_cli(server, {"lock", "release", "stuck", "--force"}).exit_code == 1);
}

TEST_CASE("status reports holder, TTL and fence, in JSON with exactly the documented fields") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "{lock:st}:fence", "0", "PX", "600000"});
    std::string token = trim(run_cli(server, {"lock", "acquire", "st", "--ttl", "40s"}).out);
    auto r = run_cli(server, {"--json", "lock", "status", "st"}, bounded());
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc.size() == 7);
    CHECK(doc["holder"].is_object());
    CHECK(doc["name"] == "st");
    CHECK(doc["key"] == "lock:st");
    CHECK(doc["held"] == true);
    CHECK(doc["token"] == token);
    CHECK(doc["ttl_ms"].get<long long>() > 30000);
    CHECK(doc["fence"] == 1);
    CHECK(r.err.empty());

    auto free_doc =
        nlohmann::json::parse(run_cli(server, {"--json", "lock", "status", "none"}).out);
    CHECK(free_doc["held"] == false);
    CHECK(free_doc["token"].is_null());
    CHECK(free_doc["ttl_ms"].is_null());
}

TEST_CASE("status warns about a lock with no TTL and about an evicting maxmemory-policy") {
    RedisServer server({"--maxmemory-policy", "allkeys-lru"});
    Connection c = server.connect();
    c.command({"SET", "lock:forever", "tok"});
    auto r = run_cli(server, {"lock", "status", "forever"}, bounded());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("held") != std::string::npos);
    CHECK(r.err.find("no TTL") != std::string::npos);
    CHECK(r.err.find("allkeys-lru") != std::string::npos);
}

TEST_CASE("a waiter gets the lock once the holder releases it") {
    RedisServer server;
    Connection c = server.connect();
    std::string holder = trim(run_cli(server, {"lock", "acquire", "handoff", "--ttl", "60s"}).out);
    const long long first = std::stoll(get(c, "{lock:handoff}:fence").value_or("0"));
    std::thread releaser([&] {
        // Release once the waiter is surely waiting: subscribed to the lock's channel.
        Connection r = server.connect();
        for (int i = 0; i < 2000; ++i) {
            Reply n = r.command({"PUBSUB", "NUMSUB", "{lock:handoff}:released"});
            if (n[1].integer() > 0) break;
            std::this_thread::sleep_for(10ms);
        }
        run_cli(server, {"lock", "release", "handoff", "--token", holder});
    });
    auto w = run_cli(server, {"lock", "acquire", "handoff", "--wait", "60s"}, bounded(90s));
    releaser.join();
    REQUIRE(w.exit_code == 0);
    std::string mine = trim(w.out);
    CHECK(mine != holder);
    CHECK(get(c, "lock:handoff") == mine);
    CHECK(get(c, "{lock:handoff}:fence") == std::to_string(first + 1));
}

TEST_CASE("a redis-py lock is shown by status --prefix '' and blocks acquire") {
    RedisServer server;
    Connection c = server.connect();
    auto [rc, out] = python(server,
                            "l = r.lock('pyres')\nassert l.acquire(blocking=False)\n"
                            "print(l.local.token.decode())\n");
    REQUIRE(rc == 0);
    std::string token = trim(out);
    CHECK(token.size() == 32);
    auto s = run_cli(server, {"--json", "lock", "status", "pyres", "--prefix", ""}, bounded());
    REQUIRE(s.exit_code == 0);
    auto doc = nlohmann::json::parse(s.out);
    CHECK(doc["key"] == "pyres");
    CHECK(doc["held"] == true);
    CHECK(doc["token"] == token);
    CHECK(doc["ttl_ms"].is_null());
    CHECK(s.err.find("no TTL") != std::string::npos);
    CHECK(run_cli(server, {"lock", "acquire", "pyres", "--prefix", ""}).exit_code == 1);
    CHECK(get(c, "pyres") == token);
    // And the shell can release the Python app's lock with its token.
    CHECK(
        run_cli(server, {"lock", "release", "pyres", "--prefix", "", "--token", token}).exit_code ==
        0);
    CHECK(c.command({"EXISTS", "pyres"}).integer() == 0);
}

TEST_CASE("a redis-ops lock under --prefix '' blocks redis-py and is released by it") {
    RedisServer server;
    Connection c = server.connect();
    auto a = run_cli(server, {"lock", "acquire", "shared", "--prefix", "", "--ttl", "60s"});
    REQUIRE(a.exit_code == 0);
    std::string token = trim(a.out);
    CHECK(get(c, "shared") == token);
    auto [rc, out] = python(server,
                            "print(r.lock('shared').acquire(blocking=False))\n"
                            "l = r.lock('shared')\nl.local.token = b'" +
                                token + "'\nl.release()\nprint('released')\n");
    CHECK(rc == 0);
    CHECK(out == "False\nreleased\n");
    CHECK(c.command({"EXISTS", "shared"}).integer() == 0);
}

TEST_CASE("eight concurrent lock runs doing read-modify-write of a file end at exactly 8") {
    RedisServer server;
    std::string counter = server.dir() + "/counter";
    std::ofstream(counter) << "0\n";
    server.connect().command({"SET", "{lock:counter}:fence", "0", "PX", "600000"});
    std::vector<std::thread> runners;
    std::vector<int> codes(8, -1);
    for (int i = 0; i < 8; ++i) {
        runners.emplace_back([&, i] {
            codes[i] =
                run_cli(server,
                        {"lock", "run", "counter", "--wait", "60s", "--ttl", "10s", "--", "sh",
                         "-c", "n=$(cat \"$0\"); sleep 0.05; echo $((n+1)) > \"$0\"", counter},
                        bounded(90s))
                    .exit_code;
        });
    }
    for (auto& t : runners) t.join();
    for (int code : codes) CHECK(code == 0);
    CHECK(trim(slurp(counter)) == "8");
    Connection c = server.connect();
    CHECK(c.command({"EXISTS", "lock:counter"}).integer() == 0);
    CHECK(get(c, "{lock:counter}:fence") == "8");
}

// When it renews (TTL/3) and when it gives up (before the TTL, less the drift allowance) is
// proven with a fake clock in tests/unit/lock_renewal_test.cpp; this is the real thing.
TEST_CASE("lock run renews a 2s lock through a 5s command and releases it at the end") {
    RedisServer server;
    Connection c = server.connect();
    std::string seen = server.dir() + "/seen";
    // The command itself looks at the lock after two TTLs, so nothing races with its end.
    std::string cli = server_cli() + " -p " + std::to_string(server.port());
    auto r = run_cli(server,
                     {"lock", "run", "renewed", "--ttl", "2s", "--", "sh", "-c",
                      "sleep 4.5; " + cli + " GET lock:renewed > \"$0\"; " + cli +
                          " PTTL lock:renewed >> \"$0\"; echo $REDIS_OPS_LOCK_TOKEN >> \"$0\"",
                      seen},
                     bounded(60s));
    CHECK(r.exit_code == 0);
    std::istringstream lines(slurp(seen));
    std::string stored, left, token;
    std::getline(lines, stored);
    std::getline(lines, left);
    std::getline(lines, token);
    REQUIRE_FALSE(left.empty());
    CHECK(token.size() == 32);
    CHECK(stored == token);
    CHECK(std::stoll(left) > 0);
    CHECK(std::stoll(left) <= 2000);
    CHECK(c.command({"EXISTS", "lock:renewed"}).integer() == 0);
}

TEST_CASE("lock run stops the command and exits 5 when the lock is taken over or deleted") {
    RedisServer server;
    Connection c = server.connect();
    for (bool overwrite : {true, false}) {
        CAPTURE(overwrite);
        std::string started = server.dir() + "/started" + std::to_string(overwrite);
        std::string after = server.dir() + "/after" + std::to_string(overwrite);
        std::thread thief([&] {
            if (!wait_for_file(started)) return;
            Connection t = server.connect();
            if (overwrite) {
                t.command({"SET", "lock:stolen", "thief", "PX", "60000"});
            } else {
                t.command({"DEL", "lock:stolen"});
            }
        });
        auto r = run_cli(server,
                         {"lock", "run", "stolen", "--ttl", "1s", "--", "sh", "-c",
                          "echo x > \"$0\"; sleep 10; touch \"$1\"", started, after},
                         bounded(60s));
        thief.join();
        CHECK(r.exit_code == 5);
        CHECK(r.err.find("lost") != std::string::npos);
        CHECK_FALSE(exists(after));
        if (overwrite) {
            CHECK(get(c, "lock:stolen") == "thief");  // the new owner's lock is left alone
            c.command({"DEL", "lock:stolen"});
        }
    }
}

TEST_CASE("lock run stops the command and exits 5 when the server dies mid-run") {
    RedisServer server;
    std::string started = server.dir() + "/started";
    std::string after = server.dir() + "/after";
    std::thread killer([&] {
        if (wait_for_file(started)) server.kill();
    });
    auto r = run_cli(server,
                     {"lock", "run", "doomed", "--ttl", "2s", "--", "sh", "-c",
                      "echo x > \"$0\"; sleep 10; touch \"$1\"", started, after},
                     bounded(60s));
    killer.join();
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("renewed") != std::string::npos);
    CHECK_FALSE(exists(after));
}

TEST_CASE("--max-hold bounds how long lock run keeps renewing") {
    RedisServer server;
    Connection c = server.connect();
    auto r = run_cli(
        server,
        {"lock", "run", "bounded", "--ttl", "1s", "--max-hold", "1500ms", "--", "sleep", "10"},
        bounded(60s));
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("max-hold") != std::string::npos);
    CHECK(c.command({"EXISTS", "lock:bounded"}).integer() == 0);
}

TEST_CASE("lock run passes the command's exit status through and releases the lock") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "{lock:st}:fence", "0", "PX", "600000"});
    CHECK(run_cli(server, {"lock", "run", "st", "--", "sh", "-c", "exit 7"}).exit_code == 7);
    CHECK(run_cli(server, {"lock", "run", "st", "--", "sh", "-c", "kill -KILL $$"}).exit_code ==
          137);
    CHECK(run_cli(server, {"lock", "run", "st", "--", "true"}).exit_code == 0);
    auto missing = run_cli(server, {"lock", "run", "st", "--", "/nonexistent/cmd"});
    CHECK(missing.exit_code == 127);
    CHECK(missing.err.find("nonexistent") != std::string::npos);
    CHECK(run_cli(server, {"lock", "run", "st", "--", server.dir()}).exit_code == 126);
    CHECK(c.command({"EXISTS", "lock:st"}).integer() == 0);
    CHECK(get(c, "{lock:st}:fence") == "5");
}

TEST_CASE("lock run forwards SIGTERM, SIGINT and SIGHUP to the command and exits with its status") {
    RedisServer server;
    Connection c = server.connect();
    std::string after = server.dir() + "/after";
    // The command signals its parent (redis-ops), which must pass the signal on.
    auto r = run_cli(
        server,
        {"lock", "run", "sig", "--", "sh", "-c", "kill -TERM $PPID; sleep 10; touch \"$0\"", after},
        bounded(60s));
    CHECK(r.exit_code == 143);
    CHECK_FALSE(exists(after));
    CHECK(c.command({"EXISTS", "lock:sig"}).integer() == 0);
    for (const char* sig : {"INT", "HUP"}) {
        auto other =
            run_cli(server,
                    {"lock", "run", "sig", "--", "sh", "-c",
                     std::string("kill -") + sig + " $PPID; sleep 10; touch \"$0\"", after},
                    bounded(60s));
        CHECK(other.exit_code == (std::string(sig) == "INT" ? 130 : 129));
    }
    CHECK_FALSE(exists(after));
}

TEST_CASE("bad lock input is a usage error") {
    RedisServer server;
    CHECK(run_cli(server, {"lock", "acquire", "x", "--ttl", "soon"}).exit_code == 2);
    CHECK(run_cli(server, {"lock", "acquire", "x", "--ttl=-5s"}).exit_code == 2);
    CHECK(run_cli(server, {"lock", "acquire", "x", "--ttl", "0"}).exit_code == 2);
    CHECK(run_cli(server, {"lock", "acquire", ""}).exit_code == 2);
    CHECK(run_cli(server, {"lock", "run", "x"}).exit_code == 2);
    CHECK(run_cli(server, {"lock", "run", "x", "--"}).exit_code == 2);
    CHECK(run_cli(server, {"lock", "run", "x", "--ttl", "2s", "--grace", "1s", "--", "true"})
              .exit_code == 2);
    CHECK(run_cli(server, {"lock", "release", "x"}).exit_code == 2);
    CHECK(run_cli(server, {"lock", "extend", "x"}).exit_code == 2);
    Connection c = server.connect();
    CHECK(c.command({"DBSIZE"}).integer() == 0);
}

TEST_CASE("an unreachable server exits 3 and lock run does not start the command") {
    TempDir dir;
    std::string marker = dir.path() + "/ran";
    std::string port = std::to_string(free_port());
    auto r = run_cli({"-p", port, "lock", "run", "x", "--", "touch", marker}, bounded());
    CHECK(r.exit_code == 3);
    CHECK_FALSE(exists(marker));
    CHECK(run_cli({"-p", port, "lock", "acquire", "x"}, bounded()).exit_code == 3);
}

// ---- Redlock: three independent masters ----

namespace {

struct Trio {
    RedisServer a, b, c;
    std::string urls() const { return a.url() + "," + b.url() + "," + c.url(); }
};

}  // namespace

TEST_CASE("redlock takes the lock on every free master with one token, TTL and fence") {
    Trio t;
    auto r = run_cli({"--json", "lock", "acquire", "rl", "--ttl", "20s", "--redlock", t.urls()},
                     bounded());
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    std::string token = doc["token"];
    for (RedisServer* s : {&t.a, &t.b, &t.c}) {
        Connection c = s->connect();
        CHECK(get(c, "lock:rl") == token);
        CHECK(pttl(c, "lock:rl") > 15000);
    }
    CHECK(run_cli({"lock", "release", "rl", "--token", token, "--redlock", t.urls()}).exit_code ==
          0);
    for (RedisServer* s : {&t.a, &t.b, &t.c}) {
        Connection c = s->connect();
        CHECK(c.command({"EXISTS", "lock:rl"}).integer() == 0);
    }
}

TEST_CASE("redlock needs a majority: one stranger is outvoted, two make it busy") {
    Trio t;
    Connection ca = t.a.connect(), cb = t.b.connect(), cc = t.c.connect();
    ca.command({"SET", "lock:q", "stranger", "PX", "60000"});
    auto one = run_cli({"lock", "acquire", "q", "--redlock", t.urls()}, bounded());
    CHECK(one.exit_code == 0);
    std::string token = trim(one.out);
    CHECK(get(cb, "lock:q") == token);
    CHECK(get(ca, "lock:q") == "stranger");
    run_cli({"lock", "release", "q", "--token", token, "--redlock", t.urls()});

    cb.command({"SET", "lock:q", "stranger", "PX", "60000"});
    auto two = run_cli({"lock", "acquire", "q", "--redlock", t.urls()}, bounded());
    CHECK(two.exit_code == 1);
    // The minority grant on the third master was undone at once.
    CHECK(cc.command({"EXISTS", "lock:q"}).integer() == 0);
}

TEST_CASE("redlock works with one master down and exits 3 without a majority") {
    Trio t;
    t.c.kill();
    auto r = run_cli({"lock", "acquire", "down", "--redlock", t.urls()}, bounded());
    CHECK(r.exit_code == 0);
    Connection ca = t.a.connect();
    CHECK(get(ca, "lock:down") == trim(r.out));
    t.b.kill();
    auto none = run_cli({"lock", "acquire", "down2", "--redlock", t.urls()}, bounded());
    CHECK(none.exit_code == 3);
    CHECK(ca.command({"EXISTS", "lock:down2"}).integer() == 0);
}

TEST_CASE("redlock fencing tokens keep increasing when the masters' counters differ") {
    Trio t;
    Connection ca = t.a.connect(), cb = t.b.connect();
    ca.command({"SET", "{lock:f}:fence", "10"});
    cb.command({"SET", "{lock:f}:fence", "3"});
    t.c.connect().command({"SET", "{lock:f}:fence", "5"});
    auto r = run_cli({"--json", "lock", "acquire", "f", "--redlock", t.urls()}, bounded());
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["fence"] == 11);
    CHECK(get(cb, "{lock:f}:fence") == "11");  // raised to the quorum's highest
}

TEST_CASE("lock run over redlock renews, passes the fence and releases everywhere") {
    Trio t;
    auto r = run_cli({"lock", "run", "rrun", "--ttl", "1s", "--redlock", t.urls(), "--", "sh", "-c",
                      "sleep 2; echo $REDIS_OPS_FENCING_TOKEN"},
                     bounded(60s));
    CHECK(r.exit_code == 0);
    // The quorum's highest counter, to which every granting instance was raised.
    for (RedisServer* s : {&t.a, &t.b, &t.c}) {
        Connection c = s->connect();
        CHECK(c.command({"EXISTS", "lock:rrun"}).integer() == 0);
        CHECK(get(c, "{lock:rrun}:fence") == trim(r.out));
        CHECK(pttl(c, "{lock:rrun}:fence") > 0);
    }
}

TEST_CASE("lock run over redlock exits 5 when a majority of masters lose the lock") {
    Trio t;
    std::string started = t.a.dir() + "/started";
    std::string after = t.a.dir() + "/after";
    std::thread thief([&] {
        if (!wait_for_file(started)) return;
        for (RedisServer* s : {&t.a, &t.b}) s->connect().command({"DEL", "lock:rlost"});
    });
    auto r = run_cli({"lock", "run", "rlost", "--ttl", "1s", "--redlock", t.urls(), "--", "sh",
                      "-c", "echo x > \"$0\"; sleep 10; touch \"$1\"", started, after},
                     bounded(60s));
    thief.join();
    CHECK(r.exit_code == 5);
    CHECK_FALSE(exists(after));
}

TEST_CASE("--redlock with fewer than three masters is a usage error") {
    RedisServer s;
    CHECK(run_cli({"lock", "acquire", "x", "--redlock", s.url() + "," + s.url()}).exit_code == 2);
    CHECK(run_cli({"lock", "acquire", "x", "--redlock", s.url() + ",," + s.url()}).exit_code == 2);
}
