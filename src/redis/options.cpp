#include "redis/options.hpp"

#include <fmt/format.h>

#include <charconv>

#include "redis/errors.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

int parse_port(std::string_view text, std::string_view what) {
    int port = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || port < 1 ||
        port > 65535) {
        throw UsageError(
            fmt::format("{}: invalid port {} (expected 1-65535)", what, clip_for_message(text)));
    }
    return port;
}

int parse_db(std::string_view text, std::string_view what) {
    int db = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), db);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || db < 0) {
        throw UsageError(
            fmt::format("{}: invalid database number {}", what, clip_for_message(text)));
    }
    return db;
}

std::string percent_decode(std::string_view in, std::string_view what) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        unsigned value = 0;
        if (i + 2 >= in.size()) {
            throw UsageError(fmt::format("{}: truncated percent-escape in URL", what));
        }
        auto [p, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, value, 16);
        if (ec != std::errc() || p != in.data() + i + 3) {
            throw UsageError(fmt::format("{}: invalid percent-escape in URL", what));
        }
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

/// Host names are letters, digits, '-', '.' and '_'; IPv6 literals (inside brackets) are hex
/// digits, ':' and '.', with an optional %zone. Anything else would only fail later, in DNS.
bool valid_host(std::string_view host, bool bracketed) {
    for (char c : host) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || (bracketed && (c == ':' || c == '%'));
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::string ServerAddress::display() const {
    if (is_unix()) return unix_path;
    if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

ServerAddress parse_host_port(std::string_view text, std::string_view what, int default_port) {
    ServerAddress addr;
    addr.port = default_port;
    std::string_view host = text;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos) {
            throw UsageError(
                fmt::format("{}: unterminated '[' in address {}", what, clip_for_message(text)));
        }
        host = text.substr(1, close - 1);
        std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                throw UsageError(
                    fmt::format("{}: invalid address {}", what, clip_for_message(text)));
            }
            port = rest.substr(1);
            if (port.empty()) {
                throw UsageError(fmt::format("{}: empty port in {}", what, clip_for_message(text)));
            }
        }
    } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
        if (text.find(':') != colon) {
            throw UsageError(fmt::format("{}: IPv6 addresses need brackets, as in [::1]:6379: {}",
                                         what, clip_for_message(text)));
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (port.empty()) {
            throw UsageError(fmt::format("{}: empty port in {}", what, clip_for_message(text)));
        }
    }
    if (host.empty()) {
        throw UsageError(fmt::format("{}: empty host in {}", what, clip_for_message(text)));
    }
    if (!valid_host(host, !text.empty() && text.front() == '[')) {
        throw UsageError(
            fmt::format("{}: invalid host name (only letters, digits, '-', '.', '_')", what));
    }
    addr.host = std::string(host);
    if (!port.empty()) addr.port = parse_port(port, what);
    return addr;
}

std::string ConnectionOptions::redacted() const {
    std::string auth;
    if (!user.empty() || password) {
        auth = user;
        if (password) auth += ":***";
        auth += "@";
    }
    if (address.is_unix()) {
        return fmt::format("unix://{}{}{}", auth, address.unix_path,
                           db ? fmt::format("?db={}", db) : "");
    }
    return fmt::format("{}://{}{}{}", tls.enabled ? "rediss" : "redis", auth, address.display(),
                       db ? fmt::format("/{}", db) : "");
}

ConnectionOptions parse_url(std::string_view url) {
    constexpr std::string_view what = "--url";
    ConnectionOptions opts;
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        throw UsageError(
            "--url: expected redis://, rediss:// or unix:// (e.g. redis://localhost:6379/0)");
    }
    std::string_view scheme = url.substr(0, scheme_end);
    std::string_view rest = url.substr(scheme_end + 3);

    if (scheme != "redis" && scheme != "rediss" && scheme != "unix") {
        throw UsageError(
            fmt::format("--url: unsupported scheme {} (expected redis, rediss or unix)",
                        clip_for_message(scheme)));
    }
    opts.tls.enabled = scheme == "rediss";

    // Userinfo: the last '@' before the path, so passwords may hold '@' when escaped or not.
    std::string_view authority = rest;
    if (scheme != "unix") authority = rest.substr(0, rest.find('/'));
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        rest.remove_prefix(at + 1);
        auto colon = userinfo.find(':');
        opts.user = percent_decode(userinfo.substr(0, colon), what);
        if (colon != std::string_view::npos) {
            opts.password = percent_decode(userinfo.substr(colon + 1), what);
        }
    }

    if (scheme == "unix") {
        std::string_view path = rest;
        std::string_view query;
        if (auto q = rest.find('?'); q != std::string_view::npos) {
            path = rest.substr(0, q);
            query = rest.substr(q + 1);
        }
        if (path.empty() || path.front() != '/') {
            throw UsageError(
                "--url: unix:// needs an absolute socket path, as in unix:///run/redis.sock");
        }
        opts.address.unix_path = std::string(path);
        while (!query.empty()) {
            std::string_view param = query.substr(0, query.find('&'));
            query.remove_prefix(std::min(query.size(), param.size() + 1));
            if (param.starts_with("db=")) {
                opts.db = parse_db(param.substr(3), what);
            } else {
                throw UsageError(fmt::format("--url: unknown parameter {} (only db=N)",
                                             clip_for_message(param)));
            }
        }
        return opts;
    }

    std::string_view hostport = rest.substr(0, rest.find('/'));
    std::string_view path;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) path = rest.substr(slash + 1);
    if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
    if (hostport.empty()) {
        opts.address.host = "127.0.0.1";
    } else {
        opts.address = parse_host_port(hostport, what);
    }
    if (!path.empty()) opts.db = parse_db(path, what);
    return opts;
}

ConnectionOptions connection_options(const ConnectionFlags& f) {
    ConnectionOptions o;
    if (f.url) {
        if (f.url->empty()) throw UsageError("--url: empty URL");
        o = parse_url(*f.url);
    }
    // Flags override the URL; --socket overrides --host and --port (as in redis-cli).
    if (f.host) {
        if (f.host->empty()) throw UsageError("--host: empty host name");
        o.address.host = *f.host;
        o.address.unix_path.clear();
    }
    if (f.port) {
        o.address.port = *f.port;
        o.address.unix_path.clear();
    }
    if (f.socket) {
        if (f.socket->empty()) throw UsageError("--socket: empty path");
        o.address.unix_path = *f.socket;
    }
    if (f.db) o.db = *f.db;
    if (f.user) o.user = *f.user;
    if (f.password) {
        o.password = f.password;
    } else if (!o.password && f.env_password && !f.env_password->empty()) {
        o.password = f.env_password;
    }

    o.tls.enabled = o.tls.enabled || f.tls;
    bool tls_files = f.cacert || f.cacertdir || f.cert || f.key || f.sni || f.insecure;
    if (!o.tls.enabled && tls_files) {
        throw UsageError("--cacert, --cert, --key, --sni and --insecure need --tls or rediss://");
    }
    o.tls.cacert = f.cacert.value_or("");
    o.tls.cacertdir = f.cacertdir.value_or("");
    o.tls.cert = f.cert.value_or("");
    o.tls.key = f.key.value_or("");
    o.tls.sni = f.sni.value_or("");
    o.tls.insecure = f.insecure;
    if (o.tls.cert.empty() != o.tls.key.empty()) {
        throw UsageError("--cert and --key go together (mutual TLS needs both)");
    }

    o.cluster = f.cluster;
    for (const auto& s : f.sentinels) {
        o.sentinels.push_back(parse_host_port(s, "--sentinel", kSentinelPort));
    }
    o.master_name = f.master;
    o.sentinel_user = f.sentinel_user;
    if (f.sentinel_password) {
        o.sentinel_password = f.sentinel_password;
    } else if (f.env_sentinel_password && !f.env_sentinel_password->empty()) {
        o.sentinel_password = f.env_sentinel_password;
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

    o.connect_timeout = parse_positive_duration(f.connect_timeout, "--connect-timeout");
    if (f.timeout) o.command_timeout = parse_positive_duration(*f.timeout, "--timeout");
    return o;
}

}  // namespace redisops
