// expire and expire --undo against real servers: every assertion reads the TTLs back.
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "expire_helpers.hpp"
#include "fixture.hpp"
#include "redis/pipeline.hpp"
#include "tail_helpers.hpp"

using namespace redisops;
using namespace redisops::test;
using nlohmann::json;

namespace {

json run_json(const RedisServer& s, std::vector<std::string> args, int expect = 0) {
    args.insert(args.begin(), {"expire", "--json"});
    CliResult r = run_cli(s, args, cli_options("", {}, 60));
    INFO("args: " << args.size() << " stderr: " << r.err << " stdout: " << r.out);
    CHECK(r.exit_code == expect);
    return json::parse(r.out);
}

/// `expire --match '*' --ttl 1h` at 1000 keys/s in the background, returned once it has
/// changed its first keys.
std::future<CliResult> throttled_run(const RedisServer& server, Connection& c,
                                     const std::string& log) {
    auto fut = std::async(std::launch::async, [&server, log] {
        return run_cli(server, {"expire", "--json", "--match", "*", "--ttl", "1h", "--rate", "1000",
                                "--undo-log", log});
    });
    REQUIRE(wait_until([&] {
        return c.command({"INFO", "keyspace"}).str().find("expires=0,") == std::string_view::npos;
    }));
    return fut;
}

}  // namespace

TEST_CASE("expire gives keys without TTL one in range and keeps every existing TTL exactly") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "feed:", 300, 50);
    load(c, "other:", 20);
    c.command({"HSET", "feed:hash", "f", "v"});
    std::map<std::string, long long> before;
    for (int i = 0; i < 50; ++i) {
        std::string k = "feed:ttl:" + std::to_string(i);
        before[k] = expiretime(c, k);
    }
    long long t0 = server_ms(c);
    json j = run_json(server, {"--match", "feed:*", "--ttl", "1h", "--exclude", "feed:1*"});
    long long t1 = server_ms(c);
    // feed:1, feed:10..19, feed:100..199 are excluded: 111 of the 300.
    CHECK(j["complete"] == true);
    CHECK(j["scanned"] == 351);
    CHECK(j["excluded"] == 111);
    CHECK(j["matched"] == 240);
    CHECK(j["changed"] == 190);
    CHECK(j["skipped_had_ttl"] == 50);
    CHECK(j["skipped_changed_meanwhile"] == 0);
    check_adds_up(j);
    for (int i = 0; i < 300; ++i) {
        std::string k = "feed:" + std::to_string(i);
        long long at = expiretime(c, k);
        if (k.starts_with("feed:1")) {
            CHECK_MESSAGE(at == -1, k);
        } else {
            CHECK_MESSAGE((at >= t0 + kHour && at <= t1 + kHour), k);
        }
    }
    CHECK(expiretime(c, "feed:hash") > 0);
    for (auto& [k, at] : before) CHECK_MESSAGE(expiretime(c, k) == at, k);
    for (int i = 0; i < 20; ++i) CHECK(expiretime(c, "other:" + std::to_string(i)) == -1);
    REQUIRE(j["patterns"].size() >= 1);
    CHECK(j["patterns"][0]["pattern"] == "feed:*");
    CHECK(j["patterns"][0]["changed"] == 189);

    // --type: only hashes; everything else was already done.
    c.command({"HSET", "feed:hash2", "f", "v"});
    c.command({"SET", "feed:str2", "v"});
    json t = run_json(server, {"--match", "feed:*", "--ttl", "1h", "--type", "hash"});
    CHECK(t["changed"] == 1);
    CHECK(expiretime(c, "feed:hash2") > 0);
    CHECK(expiretime(c, "feed:str2") == -1);
}

TEST_CASE("--limit stops after N changes; several --match globs count each key once") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "a:", 100);
    load(c, "b:", 100);
    json j = run_json(server, {"--match", "a:*", "--match", "*", "--ttl", "1h", "--limit", "30"});
    CHECK(j["changed"] == 30);
    CHECK(j["limit_reached"] == true);
    CHECK(c.command({"INFO", "keyspace"}).str().find("expires=30,") != std::string_view::npos);
    json all = run_json(server, {"--match", "a:*", "--match", "*", "--ttl", "1h"});
    CHECK(all["scanned"] == 200);
    CHECK(all["changed"] == 170);
    CHECK(all["skipped_had_ttl"] == 30);
}

TEST_CASE("--shorten lowers only longer TTLs and never raises one") {
    RedisServer server;
    Connection c = server.connect();
    long long now = server_ms(c);
    c.command({"SET", "k:long", "v", "PXAT", std::to_string(now + 10 * kHour)});
    c.command({"SET", "k:short", "v", "PXAT", std::to_string(now + kHour / 2)});
    c.command({"SET", "k:none", "v"});
    json j = run_json(server, {"--match", "k:*", "--ttl", "2h", "--shorten"});
    CHECK(j["changed"] == 2);
    CHECK(j["skipped_had_ttl"] == 1);
    long long after = server_ms(c);
    CHECK(expiretime(c, "k:long") <= after + 2 * kHour);
    CHECK(expiretime(c, "k:long") >= now + 2 * kHour);
    CHECK(expiretime(c, "k:short") == now + kHour / 2);
    CHECK(expiretime(c, "k:none") >= now + 2 * kHour);
}

TEST_CASE("--jitter 20% keeps every TTL within range and spreads them") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "j:", 500);
    long long t0 = server_ms(c);
    json j = run_json(server, {"--match", "j:*", "--ttl", "10h", "--jitter", "20%"});
    long long t1 = server_ms(c);
    CHECK(j["changed"] == 500);
    std::set<long long> distinct;
    long long lo = INT64_MAX, hi = 0;
    for (int i = 0; i < 500; ++i) {
        long long at = expiretime(c, "j:" + std::to_string(i));
        CHECK(at >= t0 + 8 * kHour);
        CHECK(at <= t1 + 12 * kHour);
        distinct.insert(at);
        lo = std::min(lo, at);
        hi = std::max(hi, at);
    }
    CHECK(distinct.size() > 450);
    CHECK(hi - lo > 2 * kHour);  // 500 uniform draws over 4h span far more than half of it
    CliResult bad = run_cli(server, {"expire", "--match", "*", "--ttl", "1h", "--jitter", "95%"});
    CHECK(bad.exit_code == 2);
}

TEST_CASE("--idle-over touches exactly the keys idle longer than D") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "i:", 40);
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));
    for (int i = 0; i < 10; ++i) c.command({"GET", "i:" + std::to_string(i)});
    json j = run_json(server, {"--match", "i:*", "--ttl", "1h", "--idle-over", "2s"});
    CHECK(j["changed"] == 30);
    CHECK(j["skipped_not_idle"] == 10);
    for (int i = 0; i < 40; ++i) {
        long long at = expiretime(c, "i:" + std::to_string(i));
        CHECK_MESSAGE((i < 10 ? at == -1 : at > 0), i);
    }
    // Under an LFU policy idle times are not kept: refused before anything changes.
    c.command({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"});
    c.command({"PERSIST", "i:20"});
    CliResult r = run_cli(server, {"expire", "--match", "i:*", "--ttl", "1h", "--idle-over", "2s"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("LFU") != std::string::npos);
    CHECK(expiretime(c, "i:20") == -1);

    // CONFIG denied: the policy is unknown, said in a note; OBJECT IDLETIME decides.
    c.command({"ACL", "SETUSER", "noconf", "on", ">pw", "~*", "+@all", "-config"});
    auto as_noconf = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--user", "noconf", "expire", "--json", "--match", "i:*",
                                   "--ttl", "1h", "--idle-over", "2s", "--dry-run"});
        return run_cli(server, args, cli_options("", {{"REDISCLI_AUTH", "pw"}}));
    };
    CliResult lfu = as_noconf({});
    CHECK(lfu.exit_code == 2);  // IDLETIME itself refuses under LFU
    CHECK(lfu.err.find("LFU") != std::string::npos);
    c.command({"CONFIG", "SET", "maxmemory-policy", "noeviction"});
    CliResult lru = as_noconf({});
    REQUIRE(lru.exit_code == 0);
    json n = json::parse(lru.out);
    CHECK(n["notes"].dump().find("unknown") != std::string::npos);
    CHECK(n["matched"] == 40);
}

TEST_CASE("--dry-run changes nothing and counts what scan-audit reports, with bytes") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "session:9f3a17c2000", 50, 10);
    load(c, "cart:", 30);
    for (int i = 0; i < 5; ++i) c.command({"RPUSH", "feed:user:" + std::to_string(i), "a", "b"});
    json d = run_json(server, {"--match", "*", "--ttl", "1h", "--dry-run"});
    CHECK(d["dry_run"] == true);
    CHECK(d["changed"] == 0);
    CHECK(d["would_change"] == 85);
    CHECK(c.command({"INFO", "keyspace"}).str().find("expires=10,") != std::string_view::npos);
    CliResult a = run_cli(server, {"scan-audit", "--format", "json"});
    REQUIRE(a.exit_code == 0);
    json audit = json::parse(a.out);
    CHECK(audit["no_ttl"]["count"] == d["would_change"]);
    size_t compared = 0;
    for (const auto& p : audit["no_ttl"]["patterns"]) {
        for (const auto& q : d["patterns"]) {
            if (q["pattern"] != p["pattern"]) continue;
            CHECK(q["keys"] == p["keys"]);
            CHECK(q["bytes"] == p["bytes"]);
            ++compared;
        }
    }
    CHECK(compared == audit["no_ttl"]["patterns"].size());
    CHECK(compared == d["patterns"].size());
    // Without MEMORY allowed, bytes are null and a note says why.
    c.command({"ACL", "SETUSER", "dry", "on", ">pw", "~*", "+@all", "-memory"});
    CliResult r = run_cli(
        server, {"--user", "dry", "expire", "--json", "--match", "*", "--ttl", "1h", "--dry-run"},
        cli_options("", {{"REDISCLI_AUTH", "pw"}}));
    REQUIRE(r.exit_code == 0);
    json n = json::parse(r.out);
    CHECK(n["patterns"][0]["bytes"].is_null());
    CHECK(n["notes"].dump().find("MEMORY") != std::string::npos);
}

TEST_CASE(
    "undo restores every key, leaves keys changed since, handles a torn log, and is idempotent") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "u:", 100, 20);
    std::string bin = std::string("u:bin\xff\xfe\x01", 8);
    c.command({"SET", bin, "v"});
    TempDir dir;
    std::string log = dir.path() + "/u.undo";
    std::map<std::string, long long> ttl_before;
    for (int i = 0; i < 20; ++i) {
        std::string k = "u:ttl:" + std::to_string(i);
        ttl_before[k] = expiretime(c, k);
    }
    json j = run_json(server, {"--match", "u:*", "--ttl", "1h", "--shorten", "--undo-log", log});
    CHECK(j["changed"] == 121);
    auto lines = read_log(log);
    REQUIRE(lines.size() == 121);
    for (const auto& l : lines) {
        std::string key = l["key"];
        if (l.contains("key_b64")) continue;
        CHECK(expiretime(c, key) == l["new_expire_at_ms"].get<long long>());
    }
    CHECK(expiretime(c, bin) > 0);
    // An existing log is never overwritten.
    CliResult again =
        run_cli(server, {"expire", "--match", "u:*", "--ttl", "1h", "--undo-log", log});
    CHECK(again.exit_code == 2);

    // Changed since the run: left alone and counted.
    c.command({"PEXPIRE", "u:5", "999999"});
    long long changed_at = expiretime(c, "u:5");
    c.command({"PERSIST", "u:ttl:3"});

    // A dry undo says what would happen and changes nothing.
    CliResult dry = run_cli(server, {"expire", "--json", "--undo", log, "--dry-run"});
    REQUIRE(dry.exit_code == 0);
    json dj = json::parse(dry.out);
    CHECK(dj["restored"] == 119);
    CHECK(dj["left_changed"] == 2);
    CHECK(expiretime(c, "u:7") > 0);

    CliResult u = run_cli(server, {"expire", "--json", "--undo", log});
    INFO(u.err);
    REQUIRE(u.exit_code == 0);
    json uj = json::parse(u.out);
    CHECK(uj["records"] == 121);
    CHECK(uj["restored"] == 119);
    CHECK(uj["left_changed"] == 2);
    for (int i = 0; i < 100; ++i) {
        std::string k = "u:" + std::to_string(i);
        CHECK_MESSAGE(expiretime(c, k) == (i == 5 ? changed_at : -1), k);
    }
    for (auto& [k, at] : ttl_before) {
        if (k == "u:ttl:3") continue;
        CHECK_MESSAGE(expiretime(c, k) == at, k);
    }
    CHECK(expiretime(c, "u:ttl:3") == -1);
    CHECK(expiretime(c, bin) == -1);  // the binary key round-trips through key_b64

    // Twice: nothing more changes.
    CliResult u2 = run_cli(server, {"expire", "--json", "--undo", log});
    REQUIRE(u2.exit_code == 0);
    CHECK(json::parse(u2.out)["restored"] == 0);
    CHECK(expiretime(c, "u:5") == changed_at);

    // A log cut mid-line by a crash: the torn last line is reported and skipped.
    std::string torn = dir.path() + "/torn.undo";
    {
        std::ifstream in(log);
        std::stringstream all;
        all << in.rdbuf();
        std::string text = all.str();
        std::ofstream out(torn);
        out << text.substr(0, text.size() - 20);
    }
    CliResult t = run_cli(server, {"expire", "--json", "--undo", torn});
    REQUIRE(t.exit_code == 0);
    json tj = json::parse(t.out);
    CHECK(tj["torn_last_line"] == true);
    CHECK(tj["records"] == 120);
    // A damaged line elsewhere is bad input, naming file:line, and restores nothing.
    std::string bad = dir.path() + "/bad.undo";
    {
        std::ofstream out(bad);
        out << lines[0].dump() << "\n{\"key\": \n" << lines[1].dump() << "\n";
    }
    CliResult b = run_cli(server, {"expire", "--undo", bad});
    CHECK(b.exit_code == 2);
    CHECK(b.err.find("bad.undo:2") != std::string::npos);
}

TEST_CASE("a concurrent writer's TTLs are never overwritten and the counts add up") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "r:", 2000);
    std::atomic<bool> done{false};
    std::set<std::string> written;
    long long mark = server_ms(c) + 50 * kHour;  // an expiry the run never sets
    std::thread writer([&] {
        Connection w = server.connect();
        for (int i = 0; !done && i < 2000; i += 7) {
            std::string k = "r:" + std::to_string(1999 - i);
            // NX, like an application giving its own keys a TTL: only those it really set count.
            if (w.command({"PEXPIREAT", k, std::to_string(mark + i), "NX"}).integer() == 1) {
                written.insert(k);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    json j = run_json(server, {"--match", "r:*", "--ttl", "1h", "--rate", "2000"});
    done = true;
    writer.join();
    check_adds_up(j);
    CHECK(j["scanned"] == 2000);
    uint64_t ours = 0;
    for (int i = 0; i < 2000; ++i) {
        std::string k = "r:" + std::to_string(i);
        long long at = expiretime(c, k);
        REQUIRE(at > 0);
        if (written.count(k)) {
            CHECK_MESSAGE(at == mark + (1999 - i), k);  // the writer's TTL, exactly
        } else {
            ++ours;
        }
    }
    CHECK(j["changed"].get<uint64_t>() == ours);
    CHECK(j["skipped_had_ttl"].get<uint64_t>() + j["skipped_changed_meanwhile"].get<uint64_t>() ==
          written.size());
}

TEST_CASE("a server killed mid-run exits 3 and leaves a consistent undo log") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "k:", 3000);
    TempDir dir;
    std::string log = dir.path() + "/k.undo";
    auto fut = throttled_run(server, c, log);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // Keep a copy of the data as it stands: SIGKILL loses what was not saved.
    std::map<std::string, long long> state;
    c.command({"CLIENT", "PAUSE", "5000", "WRITE"});
    for (int i = 0; i < 3000; ++i) {
        std::string k = "k:" + std::to_string(i);
        state[k] = expiretime(c, k);
    }
    server.kill();
    CliResult r = fut.get();
    CHECK(r.exit_code == 3);
    json j = json::parse(r.out);
    CHECK(j["complete"] == false);
    auto lines = read_log(log);
    CHECK(lines.size() >= j["changed"].get<size_t>());
    uint64_t as_logged = 0;
    for (const auto& l : lines) {
        long long now = state[l["key"]];
        // Each logged key is either changed as logged or not changed at all.
        CHECK((now == l["new_expire_at_ms"].get<long long>() || now == -1));
        as_logged += now != -1;
    }
    uint64_t changed_keys = 0;
    for (auto& [k, at] : state) changed_keys += at != -1;
    CHECK(as_logged == changed_keys);  // nothing changed without a line
}

TEST_CASE("an undo log that fills its disk mid-run exits 74; no key changed without its line") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "d:", 3000);
    TempDir dir;
    std::string small = dir.path() + "/small";
    SmallMount mount(small, "size=16k");  // room for about a hundred undo lines, not 3000
    if (!mount.mounted()) {
        MESSAGE("cannot mount a tmpfs (not root?): the full-disk case is not run");
        return;
    }
    std::string log = small + "/d.undo";
    CliResult r = run_cli(server, {"expire", "--json", "--match", "d:*", "--ttl", "1h", "--count",
                                   "50", "--undo-log", log});
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 74);
    CHECK(r.err.find("No space left on device") != std::string::npos);
    auto lines = read_log(log, true);
    CHECK(lines.size() < 3000);
    std::set<std::string> logged;
    for (const auto& l : lines) logged.insert(l["key"].get<std::string>());
    uint64_t changed = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string k = "d:" + std::to_string(i);
        if (expiretime(c, k) == -1) continue;
        ++changed;
        CHECK_MESSAGE(logged.count(k) == 1, k << " has a TTL but no undo line");
    }
    CHECK(changed > 0);     // it had started
    CHECK(changed < 3000);  // and it stopped
    // The log it did write undoes exactly what was changed.
    CliResult undo = run_cli(server, {"expire", "--undo", log});
    CHECK(undo.exit_code == 0);
    for (int i = 0; i < 3000; ++i) CHECK(expiretime(c, "d:" + std::to_string(i)) == -1);
}

TEST_CASE("Ctrl-C finishes the page in flight and exits 130") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "s:", 3000);
    TempDir dir;
    std::string log = dir.path() + "/s.undo";
    auto fut = throttled_run(server, c, log);
    pid_t pid = find_cli_child();
    REQUIRE(pid > 0);
    ::kill(pid, SIGINT);
    CliResult r = fut.get();
    CHECK(r.exit_code == 130);
    json j = json::parse(r.out);
    CHECK(j["interrupted"] == true);
    uint64_t with_ttl = 0;
    for (int i = 0; i < 3000; ++i) with_ttl += expiretime(c, "s:" + std::to_string(i)) > 0;
    CHECK(with_ttl == j["changed"].get<uint64_t>());
    CHECK(with_ttl < 3000);
    CHECK(read_log(log).size() == with_ttl);
}

TEST_CASE("bad input exits 2 and changes nothing") {
    RedisServer server;
    Connection c = server.connect();
    load(c, "b:", 5);
    for (std::vector<std::string> args :
         {std::vector<std::string>{"--match", "*"},
          {"--ttl", "1h"},
          {"--match", "", "--ttl", "1h"},
          {"--match", "*", "--ttl", "0"},
          {"--match", "*", "--ttl", "soon"},
          {"--match", "*", "--ttl", "1h", "--limit", "0"},
          {"--match", "*", "--ttl", "1h", "--jitter", "x"},
          {"--match", "*", "--ttl", "1h", "--rate", "-1"},
          {"--match", "*", "--ttl", "1h", "--dry-run", "--undo-log", "/tmp/x"},
          {"--undo", "/nonexistent/file"},
          {"--undo", "/dev/null", "--ttl", "1h"}}) {
        args.insert(args.begin(), "expire");
        CliResult r = run_cli(server, args);
        CHECK_MESSAGE(r.exit_code == 2, args[1] << " " << r.err);
        CHECK(r.err.find("redis-ops:") != std::string::npos);
    }
    CHECK(c.command({"INFO", "keyspace"}).str().find("expires=0,") != std::string_view::npos);
    // An undo log that cannot be created is an output failure (74), before anything changes.
    CliResult r =
        run_cli(server, {"expire", "--match", "*", "--ttl", "1h", "--undo-log", "/nonexistent/u"});
    CHECK(r.exit_code == 74);
    CHECK(c.command({"INFO", "keyspace"}).str().find("expires=0,") != std::string_view::npos);
}
