// Real redis-server processes for tests, and a runner for the redis-ops binary.
// Servers start on a free port in a temp dir, answer PING before the test goes on, and are
// always stopped (RAII), as in hiredis' test.sh and Redis' own find_available_port.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "redis/connection.hpp"

namespace redisops::test {

/// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

/// A tmpfs of a given size (mount options "size=64k", …) on `dir` for one test, unmounted by
/// RAII: a full or read-only disk on demand. Mounting needs root (as in CI); a test checks
/// mounted() and says what it does instead.
class SmallMount {
  public:
    SmallMount(const std::string& dir, const std::string& options);
    ~SmallMount();
    SmallMount(const SmallMount&) = delete;
    SmallMount& operator=(const SmallMount&) = delete;
    bool mounted() const { return mounted_; }
    bool remount_read_only();

  private:
    std::string dir_;
    bool mounted_ = false;
};

/// A TCP port nobody listens on now (and whose cluster bus port, +10000, is free too).
int free_port();

/// The server under test: $REDIS_OPS_TEST_SERVER (`redis-server` or `valkey-server`), default
/// `redis-server`. Sentinels run as this binary with --sentinel.
std::string server_binary();
/// The cli that ships with that server (`redis-cli`, `valkey-cli`), for `--cluster create`.
std::string server_cli();

class RedisServer {
  public:
    /// Starts server_binary() with `extra` config arguments ("--appendonly", "yes", …).
    explicit RedisServer(std::vector<std::string> extra = {}, std::string binary = server_binary());
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    int port() const { return port_; }
    const std::string& dir() const { return dir_.path(); }
    std::string socket_path() const { return dir_.path() + "/redis.sock"; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
    /// "-p PORT" as argv words, for run_cli.
    std::vector<std::string> port_args() const { return {"-p", std::to_string(port_)}; }

    /// A library connection for asserting what is in Redis.
    Connection connect() const;

    void stop();   // SIGTERM and wait
    void kill();   // SIGKILL, like a crash
    void start();  // again, same port and dir (appendonly data survives)
    bool running() const { return pid_ > 0; }

  private:
    void launch();
    TempDir dir_;
    std::vector<std::string> extra_;
    std::string binary_;
    int port_ = 0;
    pid_t pid_ = -1;
};

struct CliResult {
    int exit_code = -1;  // 128+N when killed by signal N
    std::string out;
    std::string err;
};

struct CliOptions {
    std::string stdin_data;
    std::map<std::string, std::string> env;  // added to a clean copy of ours
    std::chrono::seconds timeout{120};       // the child is killed after this (a hung test)
    std::string stdout_path = {};            // if set, the child's stdout: "/dev/full", a file
};

/// CliOptions in one expression: stdin bytes, extra environment, timeout in seconds.
CliOptions cli_options(std::string stdin_data, std::map<std::string, std::string> env = {},
                       int timeout_s = 120);

/// Runs any program (argv[0] looked up in PATH) and collects its output.
CliResult run_command(const std::vector<std::string>& argv, const CliOptions& opts = {});
/// Runs the redis-ops binary with args and collects its output.
CliResult run_cli(const std::vector<std::string>& args, const CliOptions& opts = {});
/// Shorthand: run_cli with the server's -p prepended.
CliResult run_cli(const RedisServer& server, std::vector<std::string> args,
                  const CliOptions& opts = {});

/// Path of the built binary.
std::string cli_path();

/// A unique key prefix per test, so tests never see each other's keys.
std::string unique_prefix(const std::string& base);

}  // namespace redisops::test
