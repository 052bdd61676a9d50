// The progress line of long walks: drawn on stderr only when it is a terminal (here a pty from
// script(1)), and never mixed into a pipe or a file.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fixture.hpp"
#include "redis/pipeline.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

/// Runs redis-ops with args under script(1), so its stdout and stderr are a terminal; returns
/// what the terminal showed (both streams) and the exit status.
CliResult on_terminal(const RedisServer& server, const std::vector<std::string>& args) {
    std::string cmd = "exec '" + cli_path() + "' -p " + std::to_string(server.port());
    for (const auto& a : args) cmd += " '" + a + "'";
    return run_command({"script", "-qec", cmd, "/dev/null"}, cli_options("", {}, 60));
}

void load(const RedisServer& server, const std::string& prefix, int n) {
    Connection c = server.connect();
    Pipeline p(c);
    for (int i = 0; i < n; ++i) p.add({"SET", prefix + std::to_string(i), "v"});
    p.exec();
}

}  // namespace

TEST_CASE("long walks draw a progress line on a terminal's stderr, and only there") {
    RedisServer server;
    load(server, "lock:", 3000);  // throttled to 2000 keys/s: 1.5 s, several progress ticks
    struct Walk {
        std::vector<std::string> args;
        std::string label;
    };
    const std::vector<Walk> walks = {
        {{"scan-audit", "--rate", "2000"}, "scan-audit: "},
        {{"lock", "list", "--rate", "2000"}, "lock list: "},
        {{"session", "stats", "--layout", "connect-redis", "--prefix", "lock:", "--rate", "2000"},
         "session stats: "},
        {{"expire", "--match", "lock:*", "--ttl", "1h", "--rate", "2000", "--dry-run"}, "expire: "},
    };
    for (const auto& w : walks) {
        CAPTURE(w.label);
        CliResult tty = on_terminal(server, w.args);
        INFO("terminal: " << tty.out);
        CHECK(tty.out.find("\r\x1b[K" + w.label) != std::string::npos);
        CHECK(tty.out.find("keys/s") != std::string::npos);
        // Into a pipe: no progress line and no escape sequence in either stream.
        CliResult piped = run_cli(server, w.args, cli_options("", {}, 60));
        CHECK(piped.err.find(w.label) == std::string::npos);
        CHECK(piped.err.find('\x1b') == std::string::npos);
        CHECK(piped.out.find('\x1b') == std::string::npos);
    }
    // The walks were read-only (expire ran with --dry-run).
    Connection c = server.connect();
    CHECK(c.command({"INFO", "keyspace"}).str().find("expires=0,") != std::string::npos);
}
