// ratelimit against real redis-server processes: exact counts, the server's clock, TTLs on every
// key, concurrency across processes, window boundaries, and the errors a user can cause.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "deploy_fixture.hpp"
#include "fixture.hpp"
#include "ratelimit/rate_limit.hpp"
#include "redis/slot.hpp"

using namespace redisops;
using namespace redisops::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// Every algorithm, by the names the CLI takes (the table in ratelimit/keys.hpp).
const std::vector<std::string> kAlgorithmNames = redisops::kAlgorithms.names();

struct Hit {
    int exit_code;
    json doc;
    std::string err;
};

/// `ratelimit <verb> KEY <flags…> --json`, parsed.
Hit ratelimit(const RedisServer& server, const std::string& verb, const std::string& key,
              std::vector<std::string> flags) {
    std::vector<std::string> args = {"ratelimit", verb, key, "--json"};
    args.insert(args.end(), flags.begin(), flags.end());
    CliResult r = run_cli(server, args, {.stdin_data = "", .env = {}, .timeout = 30s});
    Hit h{r.exit_code, json(), r.err};
    if (r.exit_code == 0 || r.exit_code == 1) {
        try {
            h.doc = json::parse(r.out);
        } catch (const json::exception&) {
            FAIL("not JSON: " << r.out << " / " << r.err);
        }
    }
    return h;
}

std::vector<std::string> limit_flags(const std::string& algorithm, int limit,
                                     const std::string& window) {
    return {"--algorithm", algorithm, "--limit", std::to_string(limit), "--window", window};
}

std::vector<std::string> all_keys(Connection& c) {
    std::vector<std::string> keys;
    std::string cursor = "0";
    do {
        Reply r = c.command({"SCAN", cursor, "COUNT", "1000"});
        cursor = std::string(r[0].str());
        for (auto& k : r[1].strings()) keys.push_back(std::move(k));
    } while (cursor != "0");
    return keys;
}

/// The rule of every scenario: no key the scripts wrote is left without a TTL (PTTL -1).
void check_every_key_expires(Connection& c, long long max_ttl_ms) {
    for (const auto& k : all_keys(c)) {
        long long pttl = c.command({"PTTL", k}).integer();
        CAPTURE(k);
        CHECK(pttl != -1);
        if (pttl == -2) continue;  // expired between SCAN and PTTL
        CHECK(pttl > 0);
        // Expiry is the window's end rounded up to the next millisecond (never early), so a
        // key may show one millisecond more than the window.
        CHECK(pttl <= std::max(max_ttl_ms, 1000LL) + 1);
    }
}

long long server_now_us(Connection& c) {
    Reply t = c.command({"TIME"});
    return std::stoll(std::string(t[0].str())) * 1'000'000 + std::stoll(std::string(t[1].str()));
}

/// Waits, when needed, until the current fixed window (aligned to the server clock) has at
/// least `need` left, so a scenario that must stay inside one window does.
void wait_for_fresh_window(Connection& c, std::chrono::milliseconds window,
                           std::chrono::milliseconds need) {
    long long w = window.count() * 1000;
    long long left = w - server_now_us(c) % w;
    if (left < need.count() * 1000)
        std::this_thread::sleep_for(std::chrono::microseconds(left + 5000));
}

/// What Redis holds for a limit that consumed `units`: log entries (sliding) or the counter
/// (fixed); gcra keeps only an arrival time, checked where it matters.
void check_units_stored(Connection& c, const std::string& algorithm, const std::string& key,
                        long long units) {
    if (algorithm == "sliding") CHECK(c.command({"ZCARD", key}).integer() == units);
    if (algorithm == "fixed") CHECK(c.command({"GET", key}).str() == std::to_string(units));
}

long long fixed_index(const json& doc) {
    std::string key = doc.at("redis_key");
    return std::stoll(key.substr(key.rfind(':') + 1));
}

}  // namespace

TEST_CASE("each algorithm allows exactly 5 of 7 quick hits against 5 per 20 s") {
    RedisServer server;
    Connection c = server.connect();
    for (const auto& algorithm : kAlgorithmNames) {
        CAPTURE(algorithm);
        if (algorithm == "fixed") wait_for_fresh_window(c, 20s, 10s);
        std::string key = "api:" + algorithm;
        std::vector<Hit> hits;
        for (int i = 0; i < 7; ++i)
            hits.push_back(ratelimit(server, "hit", key, limit_flags(algorithm, 5, "20s")));
        for (int i = 0; i < 7; ++i) {
            CAPTURE(i);
            const json& d = hits[i].doc;
            REQUIRE(hits[i].exit_code == (i < 5 ? 0 : 1));
            CHECK(d["allowed"] == (i < 5));
            CHECK(d["limit"] == 5);
            CHECK(d["remaining"] == std::max(0, 4 - i));
            CHECK(d["algorithm"] == algorithm);
            CHECK(d["key"] == key);
            CHECK(d["reset_after_ms"].get<long long>() > 0);
            CHECK(d["reset_after_ms"].get<long long>() <= 20000);
            if (i < 5) {
                CHECK(d["retry_after_ms"] == 0);
            } else {
                long long retry = d["retry_after_ms"];
                CHECK(retry > 0);
                // gcra refills one unit every window/N after the burst.
                CHECK(retry <= (algorithm == "gcra" ? 4000 : 20000));
            }
        }
        std::string redis_key = hits[0].doc["redis_key"];
        if (algorithm == "sliding") {
            CHECK(redis_key == "ratelimit:{" + key + "}:sliding");
            check_units_stored(c, algorithm, redis_key, 5);
        } else if (algorithm == "fixed") {
            CHECK(redis_key.starts_with("ratelimit:{" + key + "}:fixed:"));
            CHECK(hits[6].doc["redis_key"] == redis_key);  // one window
            check_units_stored(c, algorithm, redis_key, 5);
        } else {
            CHECK(redis_key == "ratelimit:{" + key + "}:gcra");
            CHECK(c.command({"EXISTS", redis_key}).integer() == 1);
        }
    }
    check_every_key_expires(c, 20000);
}

TEST_CASE("text output has one 'field: value' line per field") {
    RedisServer server;
    CliResult r = run_cli(server, {"ratelimit", "hit", "t", "--limit", "2", "--window", "5s"});
    CHECK(r.exit_code == 0);
    for (const char* line :
         {"allowed: true\n", "limit: 2\n", "remaining: 1\n", "retry_after_ms: 0\n",
          "reset_after_ms: ", "algorithm: sliding\n", "key: t\n"}) {
        CHECK(r.out.find(line) != std::string::npos);
    }
}

TEST_CASE("status peeks without consuming, and exits 1 once a hit would be limited") {
    RedisServer server;
    Connection c = server.connect();
    for (const auto& algorithm : kAlgorithmNames) {
        CAPTURE(algorithm);
        if (algorithm == "fixed") wait_for_fresh_window(c, 1h, 30s);
        std::string key = "peek:" + algorithm;
        auto flags = limit_flags(algorithm, 3, "1h");
        Hit fresh = ratelimit(server, "status", key, flags);
        CHECK(fresh.exit_code == 0);
        CHECK(fresh.doc["remaining"] == 3);
        CHECK(fresh.doc["reset_after_ms"] == 0);
        std::string redis_key = fresh.doc["redis_key"];
        CHECK(c.command({"EXISTS", redis_key}).integer() == 0);  // a peek writes nothing
        for (int i = 0; i < 2; ++i) ratelimit(server, "hit", key, flags);
        // The state as Redis holds it: log size, counter, or the GCRA arrival time.
        auto state = [&]() -> std::string {
            if (algorithm == "sliding")
                return std::to_string(c.command({"ZCARD", redis_key}).integer());
            return std::string(c.command({"GET", redis_key}).str());
        };
        std::string before = state();
        CHECK(before != "0");
        for (int i = 0; i < 3; ++i) {
            Hit s = ratelimit(server, "status", key, flags);
            CHECK(s.exit_code == 0);
            CHECK(s.doc["allowed"] == true);
            CHECK(s.doc["remaining"] == 1);
        }
        CHECK(state() == before);
        if (algorithm != "gcra") CHECK(before == "2");
        ratelimit(server, "hit", key, flags);
        Hit full = ratelimit(server, "status", key, flags);
        CHECK(full.exit_code == 1);
        CHECK(full.doc["remaining"] == 0);
        CHECK(full.doc["retry_after_ms"].get<long long>() > 0);
    }
    check_every_key_expires(c, 3'600'000);
}

TEST_CASE("reset deletes one algorithm's state, or every algorithm's, and nothing else") {
    RedisServer server;
    Connection c = server.connect();
    c.command({"SET", "ratelimit:{other}:gcra", "1", "PX", "60000"});
    for (const auto& algorithm : kAlgorithmNames)
        ratelimit(server, "hit", "r", limit_flags(algorithm, 5, "1h"));
    // An older fixed window that has not expired yet belongs to the limit too.
    c.command({"SET", "ratelimit:{r}:fixed:1", "3", "PX", "60000"});
    CHECK(all_keys(c).size() == 5);

    Hit one = ratelimit(server, "reset", "r", {"--algorithm", "gcra"});
    CHECK(one.exit_code == 0);
    CHECK(one.doc["deleted"] == 1);
    CHECK(c.command({"EXISTS", "ratelimit:{r}:gcra"}).integer() == 0);
    CHECK(c.command({"EXISTS", "ratelimit:{r}:sliding"}).integer() == 1);

    Hit all = ratelimit(server, "reset", "r", {});
    CHECK(all.exit_code == 0);
    CHECK(all.doc["deleted"] == 3);
    std::vector<std::string> left = all_keys(c);
    CHECK(left == std::vector<std::string>{"ratelimit:{other}:gcra"});
    // A reset limit starts full again.
    CHECK(ratelimit(server, "hit", "r", limit_flags("sliding", 5, "1h")).doc["remaining"] == 4);
    CHECK(ratelimit(server, "reset", "r", {"--algorithm", "leaky"}).exit_code == 2);
}

TEST_CASE("--cost consumes N at once; a cost above the limit is never possible (-1)") {
    RedisServer server;
    Connection c = server.connect();
    for (const auto& algorithm : kAlgorithmNames) {
        CAPTURE(algorithm);
        if (algorithm == "fixed") wait_for_fresh_window(c, 1h, 30s);
        std::string key = "cost:" + algorithm;
        auto flags = limit_flags(algorithm, 5, "1h");
        auto with_cost = [&](int cost) {
            auto f = flags;
            f.insert(f.end(), {"--cost", std::to_string(cost)});
            return ratelimit(server, "hit", key, f);
        };
        Hit three = with_cost(3);
        CHECK(three.exit_code == 0);
        CHECK(three.doc["remaining"] == 2);
        std::string redis_key = three.doc["redis_key"];
        check_units_stored(c, algorithm, redis_key, 3);

        Hit again = with_cost(3);
        CHECK(again.exit_code == 1);
        CHECK(again.doc["remaining"] == 2);
        CHECK(again.doc["retry_after_ms"].get<long long>() > 0);

        std::string state =
            algorithm == "sliding" ? "" : std::string(c.command({"GET", redis_key}).str());
        Hit never = with_cost(6);
        CHECK(never.exit_code == 1);
        CHECK(never.doc["allowed"] == false);
        CHECK(never.doc["retry_after_ms"] == -1);
        if (algorithm == "sliding")
            CHECK(c.command({"ZCARD", redis_key}).integer() == 3);
        else
            CHECK(c.command({"GET", redis_key}).str() == state);

        Hit two = with_cost(2);
        CHECK(two.exit_code == 0);
        CHECK(two.doc["remaining"] == 0);
    }
    check_every_key_expires(c, 3'600'000);
}

TEST_CASE("4 processes x 40 hits against a limit of 100 allow exactly 100, every algorithm") {
    RedisServer server;
    Connection c = server.connect();
    for (const auto& algorithm : kAlgorithmNames) {
        CAPTURE(algorithm);
        // A 1 h window: no gcra unit refills and no fixed window ends during the test.
        if (algorithm == "fixed") wait_for_fresh_window(c, 1h, 60s);
        std::string key = "race:" + algorithm;
        std::atomic<int> allowed{0}, limited{0}, other{0};
        std::vector<std::thread> workers;
        for (int w = 0; w < 4; ++w) {
            workers.emplace_back([&] {
                for (int i = 0; i < 40; ++i) {
                    std::vector<std::string> args = {"ratelimit", "hit", key};
                    for (auto& f : limit_flags(algorithm, 100, "1h")) args.push_back(f);
                    int rc = run_cli(server, args, {.stdin_data = "", .env = {}, .timeout = 30s})
                                 .exit_code;
                    (rc == 0 ? allowed : rc == 1 ? limited : other)++;
                }
            });
        }
        for (auto& t : workers) t.join();
        CHECK(allowed == 100);
        CHECK(limited == 60);
        CHECK(other == 0);
        Hit s = ratelimit(server, "status", key, limit_flags(algorithm, 100, "1h"));
        CHECK(s.doc["remaining"] == 0);
        std::string redis_key = s.doc["redis_key"];
        check_units_stored(c, algorithm, redis_key, 100);
    }
    check_every_key_expires(c, 3'600'000);
}

TEST_CASE("8 processes x 200 hits against a limit of 500 allow exactly 500, every algorithm") {
    RedisServer server;
    Connection c = server.connect();
    for (const auto& algorithm : kAlgorithmNames) {
        CAPTURE(algorithm);
        if (algorithm == "fixed") wait_for_fresh_window(c, 1h, 60s);
        RateLimit rl{.key = "swarm:" + algorithm,
                     .algorithm = parse_algorithm(algorithm, "--algorithm"),
                     .limit = 500,
                     .window = 1h};
        // Real processes, each with its own connection, through the library (1 600 CLI
        // processes would take most of this file's time budget; the CLI race is above).
        std::vector<std::pair<pid_t, int>> children;
        for (int p = 0; p < 8; ++p) {
            int fds[2];
            REQUIRE(::pipe(fds) == 0);
            pid_t pid = ::fork();
            REQUIRE(pid >= 0);
            if (pid == 0) {
                ::close(fds[0]);
                int allowed = 0;
                try {
                    ConnectionOptions o;
                    o.address.port = server.port();
                    Client client(o);
                    for (int i = 0; i < 200; ++i) allowed += hit(client, rl).allowed ? 1 : 0;
                } catch (...) {
                    allowed = -1;
                }
                ssize_t n = ::write(fds[1], &allowed, sizeof allowed);
                ::_exit(n == sizeof allowed ? 0 : 1);
            }
            ::close(fds[1]);
            children.emplace_back(pid, fds[0]);
        }
        int total = 0;
        for (auto [pid, fd] : children) {
            int allowed = -1;
            CHECK(::read(fd, &allowed, sizeof allowed) == sizeof allowed);
            ::close(fd);
            int status = 0;
            ::waitpid(pid, &status, 0);
            CHECK(allowed >= 0);
            total += allowed;
        }
        CHECK(total == 500);
        ConnectionOptions o;
        o.address.port = server.port();
        Client client(o);
        RateDecision d = peek(client, rl);
        CHECK(d.remaining == 0);
        check_units_stored(c, algorithm, d.redis_key, 500);
    }
    check_every_key_expires(c, 3'600'000);
}

TEST_CASE("sliding never allows more than N in any window, and retry_after_ms is enough") {
    RedisServer server;
    Connection c = server.connect();
    const long long window_us = 1'000'000;
    std::set<std::pair<long long, std::string>> seen;  // every log entry observed (score, member)
    int allowed = 0, waited = 0;
    auto observe = [&] {
        Reply log = c.command({"ZRANGE", "ratelimit:{slide}:sliding", "0", "-1", "WITHSCORES"});
        for (size_t j = 0; j + 1 < log.size(); j += 2) {
            seen.emplace(log[j + 1].integer(), std::string(log[j].str()));
        }
    };
    for (int i = 0; i < 200 && allowed < 9; ++i) {
        Hit h = ratelimit(server, "hit", "slide", limit_flags("sliding", 3, "1s"));
        REQUIRE((h.exit_code == 0 || h.exit_code == 1));
        if (h.exit_code == 0) {
            ++allowed;
            observe();
        } else if (i % 2 == 0) {
            // Waiting the advertised time must be enough for the next hit.
            long long retry = h.doc["retry_after_ms"];
            REQUIRE(retry > 0);
            REQUIRE(retry <= 1000);
            std::this_thread::sleep_for(std::chrono::milliseconds(retry));
            Hit next = ratelimit(server, "hit", "slide", limit_flags("sliding", 3, "1s"));
            CHECK(next.exit_code == 0);
            if (next.exit_code == 0) ++allowed, ++waited;
            observe();
        }
    }
    CHECK(allowed >= 9);
    CHECK(waited > 0);
    std::vector<long long> scores;
    for (const auto& [score, member] : seen) scores.push_back(score);
    CHECK(scores.size() >= 9);
    // Any 4 consecutive admissions span at least a full window: never 4 in one window.
    for (size_t i = 0; i + 3 < scores.size(); ++i) CHECK(scores[i + 3] - scores[i] >= window_us);
    check_every_key_expires(c, 1000);
}

TEST_CASE("a sliding hit of cost N adds N distinct log members in the same microsecond") {
    RedisServer server;
    Connection c = server.connect();
    CHECK(ratelimit(server, "hit", "multi", {"--limit", "10", "--window", "1m", "--cost", "4"})
              .exit_code == 0);
    Reply log = c.command({"ZRANGE", "ratelimit:{multi}:sliding", "0", "-1", "WITHSCORES"});
    REQUIRE(log.size() == 8);
    std::set<std::string> scores;
    for (size_t j = 0; j < 8; j += 2) scores.insert(std::string(log[j + 1].str()));
    CHECK(scores.size() == 1);
    check_every_key_expires(c, 60000);
}

TEST_CASE("fixed windows reset at the boundary of the server clock") {
    RedisServer server;
    Connection c = server.connect();
    auto flags = limit_flags("fixed", 2, "2s");
    wait_for_fresh_window(c, 2s, 1500ms);
    Hit a = ratelimit(server, "hit", "edge", flags);
    Hit b = ratelimit(server, "hit", "edge", flags);
    Hit limited = ratelimit(server, "hit", "edge", flags);
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    REQUIRE(limited.exit_code == 1);
    CHECK(fixed_index(limited.doc) == fixed_index(a.doc));
    long long retry = limited.doc["retry_after_ms"];
    CHECK(retry > 0);
    CHECK(retry <= 2000);
    CHECK(limited.doc["reset_after_ms"] == retry);  // both are the end of the window
    std::string old_key = a.doc["redis_key"];
    CHECK(c.command({"GET", old_key}).str() == "2");
    // The counter lives to the window's end (or 1 s, the floor for every key), no longer.
    CHECK(c.command({"PTTL", old_key}).integer() <= std::max(retry, 1000LL));

    std::this_thread::sleep_for(std::chrono::milliseconds(retry));
    Hit next = ratelimit(server, "hit", "edge", flags);
    CHECK(next.exit_code == 0);
    CHECK(next.doc["remaining"] == 1);
    CHECK(fixed_index(next.doc) > fixed_index(a.doc));
    CHECK(c.command({"GET", next.doc["redis_key"].get<std::string>()}).str() == "1");
    check_every_key_expires(c, 2000);
}

TEST_CASE("gcra spaces hits at window/N after the burst") {
    RedisServer server;
    Connection c = server.connect();
    auto flags = limit_flags("gcra", 5, "10s");  // one unit every 2 s
    for (int i = 0; i < 5; ++i) REQUIRE(ratelimit(server, "hit", "pace", flags).exit_code == 0);
    Hit limited = ratelimit(server, "hit", "pace", flags);
    REQUIRE(limited.exit_code == 1);
    long long retry = limited.doc["retry_after_ms"];
    CHECK(retry > 0);
    CHECK(retry <= 2000);
    double tat = std::stod(std::string(c.command({"GET", "ratelimit:{pace}:gcra"}).str()));

    std::this_thread::sleep_for(std::chrono::milliseconds(retry));
    Hit spaced = ratelimit(server, "hit", "pace", flags);
    CHECK(spaced.exit_code == 0);
    // Each allowed hit moves the theoretical arrival time on by exactly one interval.
    double tat2 = std::stod(std::string(c.command({"GET", "ratelimit:{pace}:gcra"}).str()));
    CHECK(tat2 - tat == doctest::Approx(2'000'000).epsilon(1e-9));
    Hit again = ratelimit(server, "hit", "pace", flags);
    CHECK(again.exit_code == 1);
    CHECK(again.doc["retry_after_ms"].get<long long>() > 0);
    CHECK(again.doc["retry_after_ms"].get<long long>() <= 2000);
    check_every_key_expires(c, 10000);
}

TEST_CASE("after SCRIPT FLUSH the next hit reloads the script and counts on") {
    RedisServer server;
    Connection c = server.connect();
    for (const auto& algorithm : kAlgorithmNames) {
        CAPTURE(algorithm);
        if (algorithm == "fixed") wait_for_fresh_window(c, 1h, 30s);
        auto flags = limit_flags(algorithm, 5, "1h");
        CHECK(ratelimit(server, "hit", "flush", flags).doc["remaining"] == 4);
        c.command({"SCRIPT", "FLUSH"});
        Hit h = ratelimit(server, "hit", "flush", flags);
        CHECK(h.exit_code == 0);
        CHECK(h.doc["remaining"] == 3);
    }
}

TEST_CASE("bad input exits 2 naming the flag and writes nothing") {
    RedisServer server;
    Connection c = server.connect();
    struct Case {
        std::vector<std::string> flags;
        const char* named;
    };
    std::vector<Case> cases = {
        {{"--limit", "0", "--window", "1s"}, "--limit"},
        {{"--limit=-3", "--window", "1s"}, "--limit"},
        {{"--limit", "x", "--window", "1s"}, "--limit"},
        {{"--limit", "2000000", "--window", "1s"}, "--limit"},  // sliding log cap
        {{"--limit", "5", "--window", "0"}, "--window"},
        {{"--limit", "5", "--window", "0ms"}, "--window"},
        {{"--limit", "5", "--window=-1s"}, "--window"},
        {{"--limit", "5", "--window", "soon"}, "--window"},
        {{"--limit", "5", "--window", "1s", "--cost", "0"}, "--cost"},
        {{"--limit", "5", "--window", "1s", "--cost=-2"}, "--cost"},
        {{"--limit", "5", "--window", "1s", "--algorithm", "leaky"}, "--algorithm"},
        {{"--window", "1s"}, "--limit"},
        {{"--limit", "5"}, "--window"},
    };
    for (const auto& verb : {"hit", "status"}) {
        for (const auto& tc : cases) {
            std::vector<std::string> args = {"ratelimit", verb, "k"};
            args.insert(args.end(), tc.flags.begin(), tc.flags.end());
            CliResult r = run_cli(server, args);
            CAPTURE(r.err);
            CHECK(r.exit_code == 2);
            CHECK(r.err.find(tc.named) != std::string::npos);
        }
    }
    CHECK(run_cli(server, {"ratelimit", "hit", "", "--limit", "5", "--window", "1s"}).exit_code ==
          2);
    CHECK(all_keys(c).empty());
}

TEST_CASE("a key holding another type exits 4 with the key named") {
    RedisServer server;
    Connection c = server.connect();
    // A 100-year window puts "now" in fixed window 0, so the test knows the counter's name.
    c.command({"HSET", "ratelimit:{typed}:sliding", "f", "v"});
    c.command({"LPUSH", "ratelimit:{typed}:fixed:0", "x"});
    c.command({"SADD", "ratelimit:{typed}:gcra", "x"});
    for (const auto& algorithm : kAlgorithmNames) {
        for (const auto& verb : {"hit", "status"}) {
            CAPTURE(algorithm);
            CAPTURE(verb);
            std::vector<std::string> args = {"ratelimit", verb, "typed"};
            for (auto& f : limit_flags(algorithm, 5, "36500d")) args.push_back(f);
            CliResult r = run_cli(server, args);
            CHECK(r.exit_code == 4);
            CHECK(r.err.find("WRONGTYPE") != std::string::npos);
            CHECK(r.err.find("ratelimit:{typed}:") != std::string::npos);
        }
    }
    c.command({"SET", "ratelimit:{junk}:gcra", "not a time"});
    CliResult r = run_cli(server, {"ratelimit", "hit", "junk", "--algorithm", "gcra", "--limit",
                                   "5", "--window", "1s"});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("ratelimit:{junk}:gcra") != std::string::npos);
}

TEST_CASE("on a cluster every algorithm counts exactly, and a limit's keys share one slot") {
    TestCluster cluster(3);
    std::vector<std::string> global = cluster.cli_args();
    auto cli = [&](std::vector<std::string> args) {
        args.insert(args.begin(), global.begin(), global.end());
        args.push_back("--json");
        return run_cli(args, {.stdin_data = "", .env = {}, .timeout = 30s});
    };
    for (const auto& key : {"alpha", "beta{x}", "gamma"}) {
        int slot = -1;
        for (const auto& algorithm : kAlgorithmNames) {
            CAPTURE(key);
            CAPTURE(algorithm);
            int allowed = 0;
            std::string redis_key;
            for (int i = 0; i < 4; ++i) {
                std::vector<std::string> args = {"ratelimit", "hit", key};
                for (auto& f : limit_flags(algorithm, 3, "36500d")) args.push_back(f);
                CliResult r = cli(args);
                REQUIRE((r.exit_code == 0 || r.exit_code == 1));
                allowed += r.exit_code == 0;
                redis_key = json::parse(r.out)["redis_key"];
            }
            CHECK(allowed == 3);
            if (slot < 0) slot = hash_slot(redis_key);
            CHECK(hash_slot(redis_key) == slot);
            Connection owner = cluster.node(cluster.owner_of(slot)).connect();
            CHECK(owner.command({"EXISTS", redis_key}).integer() == 1);
            CHECK(owner.command({"PTTL", redis_key}).integer() > 0);
        }
        CliResult r = cli({"ratelimit", "reset", key});
        CHECK(r.exit_code == 0);
        CHECK(json::parse(r.out)["deleted"] == 3);
    }
}
