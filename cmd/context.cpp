#include "context.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <iterator>

#include "redis/errors.hpp"
#include "util/units.hpp"

namespace redisops {

void add_global_options(CLI::App& app, GlobalOptions& g) {
    const char* conn = "Connection";
    app.add_option("-u,--url", g.url,
                   "redis://[user[:pass]@]host[:port][/db], rediss://… or unix:///path[?db=N]")
        ->envname("REDIS_URL")
        ->group(conn);
    app.add_option("-h,--host", g.host, "Server host")->group(conn)->capture_default_str();
    app.add_option("-p,--port", g.port, "Server port")
        ->group(conn)
        ->capture_default_str()
        ->check(CLI::Range(1, 65535));
    app.add_option("-s,--socket", g.socket, "Unix socket path (overrides host and port)")
        ->group(conn);
    app.add_option("-n,--db", g.db, "Database number")->group(conn)->check(CLI::NonNegativeNumber);
    app.add_option("--user", g.user, "ACL user name")->group(conn);
    app.add_option("-a,--pass", g.pass,
                   "Password (visible in ps; prefer the REDISCLI_AUTH environment variable)")
        ->group(conn);
    app.add_flag("--tls", g.tls, "Connect with TLS")->group(conn);
    app.add_option("--cacert", g.cacert, "CA certificate bundle for TLS")->group(conn);
    app.add_option("--cacertdir", g.cacertdir, "Directory of trusted CA certificates")->group(conn);
    app.add_option("--cert", g.cert, "Client certificate for TLS")->group(conn);
    app.add_option("--key", g.key, "Client private key for TLS")->group(conn);
    app.add_option("--sni", g.sni, "Server name for TLS SNI and verification")->group(conn);
    app.add_flag("--insecure", g.insecure, "Do not verify the server's TLS certificate")
        ->group(conn);
    app.add_flag("-c,--cluster", g.cluster, "Redis Cluster mode")->group(conn);
    app.add_option("--sentinel", g.sentinels,
                   "Sentinel HOST[:PORT] (repeatable; port 26379 by default)")
        ->group(conn);
    app.add_option("--master", g.master, "Master name known to the sentinels")->group(conn);
    app.add_option("--sentinel-user", g.sentinel_user, "ACL user name on the sentinels")
        ->group(conn);
    app.add_option("--sentinel-pass", g.sentinel_pass,
                   "Sentinels' password (visible in ps; prefer REDIS_SENTINEL_AUTH)")
        ->group(conn);
    app.add_option("--connect-timeout", g.connect_timeout, "Connect timeout")
        ->group(conn)
        ->capture_default_str();
    app.add_option("--timeout", g.timeout, "Per-command timeout (default: none)")->group(conn);
    const char* out = "Output";
    app.add_flag("--json", g.json, "Machine-readable JSON output")->group(out);
    app.add_flag("--no-color", g.no_color, "No colour (also NO_COLOR)")->group(out);
}

ConnectionOptions Context::connection_options() const {
    // Only what was given: the rules between the flags are src/redis/options.cpp's.
    auto given = [&](const char* name) { return root_.count(name) > 0; };
    auto if_given = [&](const char* name, const auto& value) {
        return given(name) ? std::optional(value) : std::nullopt;
    };
    auto env = [](const char* name) -> std::optional<std::string> {
        const char* v = std::getenv(name);
        return v && *v ? std::optional<std::string>(v) : std::nullopt;
    };
    ConnectionFlags f;
    f.url = if_given("--url", global.url);  // an empty REDIS_URL counts as unset (CLI11)
    f.host = if_given("--host", global.host);
    f.port = if_given("--port", global.port);
    f.socket = if_given("--socket", global.socket);
    f.db = if_given("--db", global.db);
    f.user = if_given("--user", global.user);
    f.password = if_given("--pass", global.pass);
    f.tls = global.tls;
    f.cacert = if_given("--cacert", global.cacert);
    f.cacertdir = if_given("--cacertdir", global.cacertdir);
    f.cert = if_given("--cert", global.cert);
    f.key = if_given("--key", global.key);
    f.sni = if_given("--sni", global.sni);
    f.insecure = global.insecure;
    f.cluster = global.cluster;
    f.sentinels = global.sentinels;
    f.master = global.master;
    f.sentinel_user = global.sentinel_user;
    f.sentinel_password = if_given("--sentinel-pass", global.sentinel_pass);
    f.connect_timeout = global.connect_timeout;
    f.timeout = if_given("--timeout", global.timeout);
    f.env_password = env("REDISCLI_AUTH");
    f.env_sentinel_password = env("REDIS_SENTINEL_AUTH");
    return redisops::connection_options(f);
}

Client& Context::client() {
    if (!client_) client_.emplace(connection_options());
    return *client_;
}

std::string Context::server_label() const {
    return client_ ? client_->options().redacted() : std::string();
}

const OutputStyle& Context::style() {
    if (!style_) style_ = detect_output_style(global.json, global.no_color);
    return *style_;
}

void Context::out(std::string_view text) {
    stdout_.write(text);
    stdout_.flush();
}

void Context::err(std::string_view text) const { std::fwrite(text.data(), 1, text.size(), stderr); }

void Context::warn(std::string_view text) const {
    err(std::string("redis-ops: warning: ") + std::string(text) + "\n");
}

CLI::Option* add_duration(CLI::App* app, const std::string& names,
                          std::chrono::milliseconds& target, const std::string& description) {
    std::string flag = names.substr(names.rfind(',') + 1);
    return app
        ->add_option_function<std::string>(
            names, [&target, flag](const std::string& v) { target = parse_duration(v, flag); },
            description)
        ->type_name("DURATION");
}

CLI::Option* add_size(CLI::App* app, const std::string& names, uint64_t& target,
                      const std::string& description) {
    std::string flag = names.substr(names.rfind(',') + 1);
    return app
        ->add_option_function<std::string>(
            names, [&target, flag](const std::string& v) { target = parse_size(v, flag); },
            description)
        ->type_name("SIZE");
}

std::string read_stdin() {
    std::string data;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n > 0) {
            data.append(buf, static_cast<size_t>(n));
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            throw UsageError("cannot read standard input");
        }
    }
    return data;
}

}  // namespace redisops
