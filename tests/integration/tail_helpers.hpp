// Shared by the stream and pubsub tests: run a tail in the background, wait for Redis to show
// it listening, and split its output into lines.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"

namespace redisops::test {

inline std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

/// Polls `pred` until it holds; false after `limit` (the caller REQUIREs it).
template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

/// run_cli in a thread; the child is killed after 60 s if a test goes wrong.
inline std::future<CliResult> tail_async(const RedisServer& s, std::vector<std::string> args) {
    return std::async(std::launch::async, [&s, args] {
        return run_cli(s, args, {.stdin_data = "", .env = {}, .timeout = std::chrono::seconds(60)});
    });
}

/// The pid of the redis-ops child this test process started (run_cli in another thread), or
/// -1: read from /proc, so a test can signal exactly its own child.
inline pid_t find_cli_child() {
    namespace fs = std::filesystem;
    for (const auto& d : fs::directory_iterator("/proc")) {
        std::ifstream stat(d.path() / "stat");
        std::string pid, comm, state;
        pid_t ppid = 0;
        if (!(stat >> pid >> comm >> state >> ppid) || ppid != ::getpid()) continue;
        if (comm.find("redis-ops") != std::string::npos) return std::stoi(pid);
    }
    return -1;
}

}  // namespace redisops::test
