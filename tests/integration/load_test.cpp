// Concurrency under load: many processes at once against one real server. Each scenario bounds
// its own time through run_cli's timeout; none asserts on durations. (The rate-limit load case,
// 8 processes x 200 hits, lives in ratelimit_test.cpp.)
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"

using namespace redisops::test;

namespace {

/// Runs `n` copies of the same invocation at once; returns their results.
std::vector<CliResult> run_concurrently(const RedisServer& server, int n,
                                        const std::vector<std::string>& args) {
    std::vector<CliResult> results(static_cast<size_t>(n));
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] { results[static_cast<size_t>(i)] = run_cli(server, args); });
    }
    for (auto& t : threads) t.join();
    return results;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("16 concurrent lock runs keep mutual exclusion") {
    RedisServer server;
    std::string counter = server.dir() + "/counter";
    std::ofstream(counter) << 0;
    // A counter that exists is a plain INCR (a new one would start from TIME in µs).
    server.connect().command({"SET", "{lock:load-job}:fence", "0", "PX", "600000"});
    // Read, pause, write: without the lock two runs would read the same value.
    std::string body = "n=$(cat " + counter + "); sleep 0.02; echo $((n+1)) > " + counter;
    auto results = run_concurrently(
        server, 16,
        {"lock", "run", "load-job", "--ttl", "10s", "--wait", "2m", "--", "sh", "-c", body});
    for (const auto& r : results) CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(std::stoi(read_file(counter)) == 16);
    CHECK(server.connect().command({"EXISTS", "lock:load-job"}).integer() == 0);
    CHECK(server.connect().command({"GET", "{lock:load-job}:fence"}).integer() == 16);
}

TEST_CASE("16 concurrent cache fetch callers run the command once") {
    RedisServer server;
    std::string runs = server.dir() + "/runs";
    std::string body = "echo run >> " + runs + "; sleep 0.5; echo computed-value";
    auto results = run_concurrently(
        server, 16, {"cache", "fetch", "load:value", "--ttl", "1h", "--", "sh", "-c", body});
    for (const auto& r : results) {
        CHECK_MESSAGE(r.exit_code == 0, r.err);
        CHECK(r.out == "computed-value\n");
    }
    CHECK(read_file(runs) == "run\n");
    CHECK(*server.connect().command({"GET", "load:value"}).opt_str() == "computed-value\n");
    auto ttl = server.connect().command({"PTTL", "load:value"}).integer();
    CHECK(ttl > 0);
    CHECK(ttl <= 3'600'000);
}
