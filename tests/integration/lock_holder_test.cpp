// Who holds a lock ({lock:<name>}:holder, written with the lock), `lock list`, and a fencing
// counter that carries a TTL yet only grows. Real servers; every check reads Redis itself.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "deploy_fixture.hpp"
#include "fixture.hpp"
#include "redis/slot.hpp"

using namespace redisops;
using namespace redisops::test;
using namespace std::chrono_literals;

namespace {

CliOptions bounded() {
    CliOptions o;
    o.timeout = 60s;
    return o;
}

std::string trim(std::string s) {
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

long long pexpiretime(Connection& c, const std::string& key) {
    return c.command({"PEXPIRETIME", key}).integer();
}

std::optional<std::string> hget(Connection& c, const std::string& key, const std::string& f) {
    return c.command({"HGET", key, f}).opt_str();
}

/// Polls (bounded) until `done` holds; false if it never did.
template <class F>
bool eventually(F&& done, std::chrono::seconds limit = 20s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (done()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

/// A shell command that marks it started, then runs until `go` exists (at most ~20 s).
std::vector<std::string> wait_for_go(const std::string& started, const std::string& go) {
    return {"sh", "-c",
            "touch \"$0\"; i=0; while [ ! -e \"$1\" ] && [ $i -lt 400 ]; do sleep 0.05; "
            "i=$((i+1)); done",
            started, go};
}

bool exists_file(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace

TEST_CASE("lock run records its holder with the lock's TTL, counts renewals, and removes it") {
    RedisServer server;
    Connection c = server.connect();
    const std::string started = server.dir() + "/started", go = server.dir() + "/go";
    std::vector<std::string> args = {"lock", "run", "deploy", "--ttl", "900ms", "--"};
    for (const auto& a : wait_for_go(started, go)) args.push_back(a);
    CliResult run;
    std::thread holder([&] { run = run_cli(server, args, bounded()); });

    REQUIRE(eventually([&] { return exists_file(started); }));
    // Renewed about every TTL/3: wait until two renewals were counted.
    CHECK(eventually([&] {
        auto n = hget(c, "{lock:deploy}:holder", "renewals");
        return n && std::stoll(*n) >= 2;
    }));
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    CHECK(hget(c, "{lock:deploy}:holder", "host") == std::string(host));
    CHECK(hget(c, "{lock:deploy}:holder", "command").value_or("").starts_with("sh -c 'touch "));
    CHECK(std::stoll(hget(c, "{lock:deploy}:holder", "pid").value_or("0")) > 0);
    CHECK(std::stoll(hget(c, "{lock:deploy}:holder", "started_at_ms").value_or("0")) >
          1'600'000'000'000LL);
    // Never the token.
    auto token = c.command({"GET", "lock:deploy"}).opt_str();
    REQUIRE(token);
    auto fields = c.command({"HGETALL", "{lock:deploy}:holder"});
    for (size_t i = 1; i < fields.size(); i += 2) CHECK(fields[i].str() != *token);
    // Same expiry as the lock: set in the same script, renewed in the same script.
    auto times = c.command({"EVAL",
                            "return {redis.call('PEXPIRETIME', KEYS[1]), "
                            "redis.call('PEXPIRETIME', KEYS[2])}",
                            "2", "lock:deploy", "{lock:deploy}:holder"});
    CHECK(times[0].integer() > 0);
    CHECK(times[0].integer() == times[1].integer());

    auto status = run_cli(server, {"--json", "lock", "status", "deploy"}, bounded());
    REQUIRE(status.exit_code == 0);
    auto doc = nlohmann::json::parse(status.out);
    REQUIRE(doc["holder"].is_object());
    CHECK(doc["holder"]["host"] == std::string(host));
    CHECK(doc["holder"]["renewals"].get<long long>() >= 2);
    CHECK(doc["holder"]["command"].get<std::string>().starts_with("sh -c "));
    auto text = run_cli(server, {"lock", "status", "deploy"}, bounded());
    CHECK(text.out.find("held by " + std::string(host) + " (pid ") != std::string::npos);
    CHECK(text.out.find("running `sh -c ") != std::string::npos);

    ::close(::open(go.c_str(), O_CREAT | O_WRONLY, 0644));
    holder.join();
    CHECK(run.exit_code == 0);
    CHECK(c.command({"EXISTS", "lock:deploy", "{lock:deploy}:holder"}).integer() == 0);
}

TEST_CASE("lock acquire records the calling process; extend counts renewals; release removes it") {
    RedisServer server;
    Connection c = server.connect();
    auto a = run_cli(server, {"lock", "acquire", "job", "--ttl", "20s"}, bounded());
    REQUIRE(a.exit_code == 0);
    std::string token = trim(a.out);
    // redis-ops exits at once: the holder is its parent, this test process.
    CHECK(hget(c, "{lock:job}:holder", "pid") == std::to_string(::getpid()));
    CHECK(hget(c, "{lock:job}:holder", "renewals") == "0");
    CHECK(pexpiretime(c, "{lock:job}:holder") == pexpiretime(c, "lock:job"));
    for (int i = 0; i < 2; ++i) {
        REQUIRE(run_cli(server, {"lock", "extend", "job", "--token", token, "--ttl", "50s"})
                    .exit_code == 0);
    }
    CHECK(hget(c, "{lock:job}:holder", "renewals") == "2");
    CHECK(c.command({"PTTL", "{lock:job}:holder"}).integer() > 40000);
    CHECK(pexpiretime(c, "{lock:job}:holder") == pexpiretime(c, "lock:job"));
    REQUIRE(run_cli(server, {"lock", "release", "job", "--token", token}).exit_code == 0);
    CHECK(c.command({"EXISTS", "{lock:job}:holder"}).integer() == 0);

    // Force release removes it too.
    REQUIRE(run_cli(server, {"lock", "acquire", "job"}).exit_code == 0);
    CHECK(c.command({"EXISTS", "{lock:job}:holder"}).integer() == 1);
    REQUIRE(run_cli(server, {"lock", "release", "job", "--force"}).exit_code == 0);
    CHECK(c.command({"EXISTS", "lock:job", "{lock:job}:holder"}).integer() == 0);
}

TEST_CASE("a lock another program wrote has holder null and says so") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "lock:foreign", "their-token", "PX", "60000"});
    auto j = run_cli(server, {"--json", "lock", "status", "foreign"}, bounded());
    REQUIRE(j.exit_code == 0);
    auto doc = nlohmann::json::parse(j.out);
    CHECK(doc["held"] == true);
    CHECK(doc["holder"].is_null());
    auto t = run_cli(server, {"lock", "status", "foreign"}, bounded());
    CHECK(t.out.find("holder unknown: not taken by redis-ops") != std::string::npos);
    // Extending it by its token does not invent a holder record without a TTL.
    REQUIRE(run_cli(server, {"lock", "extend", "foreign", "--token", "their-token"}).exit_code ==
            0);
    CHECK(c.command({"EXISTS", "{lock:foreign}:holder"}).integer() == 0);
    auto free_doc = nlohmann::json::parse(run_cli(server, {"--json", "lock", "status", "x"}).out);
    CHECK(free_doc["holder"].is_null());
}

TEST_CASE("lock list shows held locks with TTL, fence and holder, skipping companion keys") {
    RedisServer server;
    Connection c = server.connect();
    REQUIRE(run_cli(server, {"lock", "acquire", "alpha", "--ttl", "30s"}).exit_code == 0);
    REQUIRE(run_cli(server, {"lock", "acquire", "beta", "--ttl", "40s"}).exit_code == 0);
    c.command({"SET", "lock:py", "t", "PX", "50000"});  // another library's lock
    c.command({"SET", "unrelated", "v"});
    c.command({"SET", "pylock", "t2", "PX", "50000"});  // a bare-name lock (redis-py)
    auto r = run_cli(server, {"--json", "lock", "list"}, bounded());
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    REQUIRE(doc["locks"].size() == 3);
    CHECK(doc["count"] == 3);
    CHECK(doc["locks"][0]["name"] == "alpha");
    CHECK(doc["locks"][0]["key"] == "lock:alpha");
    CHECK(doc["locks"][0]["holder"]["pid"] == ::getpid());
    CHECK(doc["locks"][0]["ttl_ms"].get<long long>() > 20000);
    CHECK(doc["locks"][0]["fence"].get<long long>() ==
          std::stoll(*c.command({"GET", "{lock:alpha}:fence"}).opt_str()));
    CHECK(doc["locks"][1]["name"] == "beta");
    CHECK(doc["locks"][2]["name"] == "py");
    CHECK(doc["locks"][2]["holder"].is_null());

    auto m = nlohmann::json::parse(
        run_cli(server, {"--json", "lock", "list", "--match", "b*"}, bounded()).out);
    REQUIRE(m["locks"].size() == 1);
    CHECK(m["locks"][0]["name"] == "beta");

    // Throttled (as on a busy production server), the walk finds the same locks.
    auto slow = nlohmann::json::parse(
        run_cli(server, {"--json", "lock", "list", "--rate", "1000"}, bounded()).out);
    REQUIRE(slow["locks"].size() == doc["locks"].size());
    for (size_t i = 0; i < doc["locks"].size(); ++i) {
        CHECK(slow["locks"][i]["key"] == doc["locks"][i]["key"]);
        CHECK(slow["locks"][i]["fence"] == doc["locks"][i]["fence"]);
        CHECK(slow["locks"][i]["holder"]["pid"] == doc["locks"][i]["holder"]["pid"]);
    }
    CHECK(slow["keys_scanned"] == doc["keys_scanned"]);
    CliResult bad_rate = run_cli(server, {"lock", "list", "--rate", "fast"});
    CHECK(bad_rate.exit_code == 2);
    CHECK(bad_rate.err.find("--rate") != std::string::npos);

    // The bare keyspace needs --match; with it, only string keys that match, no companions.
    CHECK(run_cli(server, {"lock", "list", "--prefix", ""}).exit_code == 2);
    auto bare = nlohmann::json::parse(
        run_cli(server, {"--json", "lock", "list", "--prefix", "", "--match", "py*"}).out);
    REQUIRE(bare["locks"].size() == 1);
    CHECK(bare["locks"][0]["name"] == "pylock");
    auto all = nlohmann::json::parse(
        run_cli(server, {"--json", "lock", "list", "--prefix", "", "--match", "*a*"}).out);
    for (const auto& l : all["locks"]) {
        std::string name = l["name"];
        CHECK(name.find(":fence") == std::string::npos);
        CHECK(name.find(":holder") == std::string::npos);
    }

    auto text = run_cli(server, {"lock", "list"}, bounded());
    CHECK(text.out.find("alpha") != std::string::npos);
    CHECK(text.out.find("(not redis-ops)") != std::string::npos);
}

TEST_CASE("lock list shows a lock whose name has a stray brace, and not its companions") {
    RedisServer server;
    Connection c = server.connect();
    REQUIRE(run_cli(server, {"lock", "acquire", "we}ird", "--ttl", "30s"}).exit_code == 0);
    // Its fence and holder are under the prefix too (a computed hash tag inside the name).
    CHECK(c.command({"EXISTS", same_slot_key("lock:we}ird", ":holder")}).integer() == 1);
    CHECK(same_slot_key("lock:we}ird", ":holder").starts_with("lock:we{"));
    auto doc = nlohmann::json::parse(run_cli(server, {"--json", "lock", "list"}, bounded()).out);
    REQUIRE(doc["locks"].size() == 1);
    CHECK(doc["locks"][0]["name"] == "we}ird");
    CHECK(doc["locks"][0]["holder"]["pid"] == ::getpid());
    CHECK(doc["keys_scanned"] == 3);  // the lock, its fence and its holder
}

TEST_CASE("lock list finds the locks of every master of a cluster") {
    TestCluster cluster(3);
    std::vector<std::string> names;
    std::set<size_t> owners;
    for (int i = 0; i < 12; ++i) {
        std::string name = "job" + std::to_string(i);
        names.push_back(name);
        owners.insert(cluster.owner_of(hash_slot("lock:" + name)));
        REQUIRE(cluster.cli({"lock", "acquire", name, "--ttl", "60s"}).exit_code == 0);
    }
    REQUIRE(owners.size() == 3);
    auto r = cluster.cli({"--json", "lock", "list"});
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["nodes"] == 3);
    REQUIRE(doc["locks"].size() == names.size());
    for (const auto& l : doc["locks"]) {
        CHECK(l["holder"].is_object());
        CHECK(l["fence"].get<long long>() > 0);
    }
}

TEST_CASE("the fence strictly increases across a deleted counter, which carries a TTL") {
    RedisServer server;
    Connection c = server.connect();
    long long last = 0;
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 2; ++i) {
            auto a = run_cli(server, {"--json", "lock", "acquire", "f"}, bounded());
            REQUIRE(a.exit_code == 0);
            auto doc = nlohmann::json::parse(a.out);
            long long fence = doc["fence"];
            CHECK(fence > last);
            last = fence;
            // 30 days by default, refreshed on every acquire.
            CHECK(c.command({"PTTL", "{lock:f}:fence"}).integer() > 29LL * 24 * 3600 * 1000);
            run_cli(server, {"lock", "release", "f", "--token", doc["token"].get<std::string>()});
        }
        c.command({"DEL", "{lock:f}:fence"});  // as if it expired
    }
    // Even after a counter that had counted far: it restarts above it, from TIME in µs.
    c.command({"SET", "{lock:f}:fence", "1000000"});
    auto a = nlohmann::json::parse(run_cli(server, {"--json", "lock", "acquire", "f"}).out);
    CHECK(a["fence"] == 1000001);
}

TEST_CASE("--fence-ttl sets the counter's TTL for acquire and run") {
    RedisServer server;
    Connection c = server.connect();
    REQUIRE(run_cli(server, {"lock", "acquire", "a", "--fence-ttl", "1h"}).exit_code == 0);
    long long t = c.command({"PTTL", "{lock:a}:fence"}).integer();
    CHECK(t > 3500000);
    CHECK(t <= 3600000);
    REQUIRE(run_cli(server, {"lock", "run", "b", "--fence-ttl", "2h", "--", "true"}).exit_code ==
            0);
    t = c.command({"PTTL", "{lock:b}:fence"}).integer();
    CHECK(t > 7100000);
    CHECK(t <= 7200000);
    CHECK(run_cli(server, {"lock", "acquire", "c", "--fence-ttl", "0"}).exit_code == 2);
}

TEST_CASE("redlock records the holder and a counter with a TTL on every granting instance") {
    RedisServer a, b, x;
    std::string urls = a.url() + "," + b.url() + "," + x.url();
    auto r =
        run_cli({"--json", "lock", "acquire", "rl", "--ttl", "20s", "--redlock", urls}, bounded());
    REQUIRE(r.exit_code == 0);
    for (RedisServer* s : {&a, &b, &x}) {
        Connection c = s->connect();
        CHECK(hget(c, "{lock:rl}:holder", "pid") == std::to_string(::getpid()));
        CHECK(pexpiretime(c, "{lock:rl}:holder") == pexpiretime(c, "lock:rl"));
        CHECK(c.command({"PTTL", "{lock:rl}:fence"}).integer() > 0);
    }
}
