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
    app.add_option("--sentinel", g.sentinels, "Sentinel HOST:PORT (repeatable)")->group(conn);
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
    ConnectionOptions o;
    if (!global.url.empty()) o = parse_url(global.url);
    auto given = [&](const char* name) { return root_.count(name) > 0; };
    if (given("--socket")) {
        if (global.socket.empty()) throw UsageError("--socket: empty path");
        o.address.unix_path = global.socket;
    }
    if (given("--host")) {
        if (global.host.empty()) throw UsageError("--host: empty host name");
        o.address.host = global.host;
        o.address.unix_path.clear();
    }
    if (given("--port")) {
        o.address.port = global.port;
        o.address.unix_path.clear();
    }
    if (given("--db")) o.db = global.db;
    if (given("--user")) o.user = global.user;
    if (given("--pass")) {
        o.password = global.pass;
    } else if (!o.password) {
        if (const char* env = std::getenv("REDISCLI_AUTH"); env && *env) o.password = env;
    }
    o.tls.enabled = o.tls.enabled || global.tls;
    o.tls.cacert = global.cacert;
    o.tls.cacertdir = global.cacertdir;
    o.tls.cert = global.cert;
    o.tls.key = global.key;
    o.tls.sni = global.sni;
    o.tls.insecure = global.insecure;
    if (!o.tls.enabled && (given("--cacert") || given("--cacertdir") || given("--cert") ||
                           given("--key") || given("--sni") || given("--insecure"))) {
        throw UsageError("--cacert, --cert, --key, --sni and --insecure need --tls or rediss://");
    }
    if (o.tls.cert.empty() != o.tls.key.empty()) {
        throw UsageError("--cert and --key go together (mutual TLS needs both)");
    }
    o.cluster = global.cluster;
    for (const auto& s : global.sentinels) o.sentinels.push_back(parse_host_port(s, "--sentinel"));
    o.master_name = global.master;
    o.sentinel_user = global.sentinel_user;
    if (given("--sentinel-pass")) {
        o.sentinel_password = global.sentinel_pass;
    } else if (const char* env = std::getenv("REDIS_SENTINEL_AUTH"); env && *env) {
        o.sentinel_password = env;
    }
    if (!o.sentinels.empty() && o.master_name.empty()) {
        throw UsageError("--sentinel needs --master NAME");
    }
    if (o.sentinels.empty() && !o.master_name.empty()) {
        throw UsageError("--master needs at least one --sentinel HOST:PORT");
    }
    if (o.cluster && !o.sentinels.empty()) {
        throw UsageError("--cluster and --sentinel cannot be combined");
    }
    o.connect_timeout = parse_positive_duration(global.connect_timeout, "--connect-timeout");
    if (!global.timeout.empty()) {
        o.command_timeout = parse_positive_duration(global.timeout, "--timeout");
    }
    return o;
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
