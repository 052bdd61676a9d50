// What every subcommand gets: the global flags, the connection built from them, the output
// style, and a slot for the action the parsed subcommand chose.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "redis/client.hpp"
#include "util/exit_codes.hpp"
#include "util/output.hpp"
#include "util/output_sink.hpp"

namespace redisops {

struct GlobalOptions {
    std::string url;
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string socket;
    int db = 0;
    std::string user;
    std::string pass;
    bool tls = false;
    std::string cacert, cacertdir, cert, key, sni;
    bool insecure = false;
    bool cluster = false;
    std::vector<std::string> sentinels;
    std::string master;
    std::string sentinel_user, sentinel_pass;
    std::string connect_timeout = "5s";
    std::string timeout;
    bool json = false;
    bool no_color = false;
};

class Context {
  public:
    explicit Context(CLI::App& root) : root_(root) {}

    GlobalOptions global;
    /// Set by the parsed leaf subcommand's callback; run by main after parsing.
    std::function<int()> action;
    /// Set by --print-acl (cmd/print_acl.hpp): run instead of the action, without connecting.
    std::function<int()> print_acl;

    /// The connection options the flags, URL and environment describe. Throws UsageError.
    ConnectionOptions connection_options() const;
    /// Connects on first use.
    Client& client();
    /// The redacted URL of the server in use, for error messages; empty before connecting.
    std::string server_label() const;
    const OutputStyle& style();

    /// The command's output (stdout). Writes are checked: OutputError -> 74, BrokenPipe -> 141.
    OutputSink& sink() { return stdout_; }
    /// Writes to the output and flushes, so streaming output is seen at once.
    void out(std::string_view text);
    void err(std::string_view text) const;
    /// "redis-ops: warning: …" on stderr.
    void warn(std::string_view text) const;

  private:
    CLI::App& root_;
    std::optional<Client> client_;
    std::optional<OutputStyle> style_;
    FdSink stdout_{1};
};

void add_global_options(CLI::App& app, GlobalOptions& g);

/// A flag taking a duration ("250ms", "30s", "5m", "2h", "7d"); errors name the flag.
CLI::Option* add_duration(CLI::App* app, const std::string& names,
                          std::chrono::milliseconds& target, const std::string& description);
/// A flag taking a size ("512", "100kb", "1mb").
CLI::Option* add_size(CLI::App* app, const std::string& names, uint64_t& target,
                      const std::string& description);
/// Reads all of stdin, binary-safe.
std::string read_stdin();

// One setup function per subcommand file; main.cpp lists them once.
void setup_cache(CLI::App& app, Context& ctx);
void setup_invalidate_tag(CLI::App& app, Context& ctx);
void setup_session(CLI::App& app, Context& ctx);
void setup_lock(CLI::App& app, Context& ctx);
void setup_ratelimit(CLI::App& app, Context& ctx);
void setup_stream(CLI::App& app, Context& ctx);
void setup_pubsub(CLI::App& app, Context& ctx);
void setup_scan_audit(CLI::App& app, Context& ctx);
void setup_expire(CLI::App& app, Context& ctx);

}  // namespace redisops
