// Where and how to connect: parsed from URLs and flags, printable without secrets.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redisops {

using Millis = std::chrono::milliseconds;

struct TlsOptions {
    bool enabled = false;
    std::string cacert;     // PEM bundle
    std::string cacertdir;  // hashed CA directory
    std::string cert;       // client certificate (mutual TLS)
    std::string key;        // client private key
    std::string sni;        // server name to send and verify; defaults to the host
    bool insecure = false;  // skip peer verification
};

struct ServerAddress {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string unix_path;  // when set, host/port are ignored

    bool is_unix() const { return !unix_path.empty(); }
    /// "host:port" or the socket path; never holds a secret.
    std::string display() const;
};

/// Parses "HOST:PORT" (IPv6 as "[::1]:6379"), or HOST alone for `default_port`; throws
/// UsageError naming `what`.
ServerAddress parse_host_port(std::string_view text, std::string_view what,
                              int default_port = 6379);

struct ConnectionOptions {
    ServerAddress address;
    std::string user;
    std::optional<std::string> password;
    int db = 0;
    Millis connect_timeout{5000};
    std::optional<Millis> command_timeout;  // none: wait as long as the server takes
    TlsOptions tls;
    bool cluster = false;
    std::vector<ServerAddress> sentinels;
    std::string master_name;
    // Sentinels keep their own credentials (sentinel's requirepass); TLS to them follows
    // tls.enabled unless sentinel_tls says otherwise. Certificates and CAs are shared.
    std::string sentinel_user;
    std::optional<std::string> sentinel_password;
    std::optional<bool> sentinel_tls;
    std::string client_name = "redis-ops";

    /// A URL for messages: scheme, user, host, port, db; the password as "***".
    std::string redacted() const;
};

/// Parses redis://[user[:pass]@]host[:port][/db], rediss://… (TLS) and
/// unix:///path/to.sock[?db=N]. Percent-escapes in user and password are decoded.
/// Throws UsageError naming the problem, never echoing the password.
ConnectionOptions parse_url(std::string_view url);

/// The port a sentinel listens on when --sentinel HOST names none, as in redis-cli.
inline constexpr int kSentinelPort = 26379;

/// The connection flags as the user gave them, before any rule is applied. cmd/ fills it from
/// the parsed flags and the environment; nullopt means "not given" (so a default and an
/// explicit value can be told apart: `-u ''` is an error, an unset REDIS_URL is not).
struct ConnectionFlags {
    std::optional<std::string> url;  // -u/--url, or REDIS_URL when set and not empty
    std::optional<std::string> host, socket, user, password;
    std::optional<int> port, db;
    bool tls = false;
    std::optional<std::string> cacert, cacertdir, cert, key, sni;
    bool insecure = false;
    bool cluster = false;
    std::vector<std::string> sentinels;  // HOST[:PORT] each
    std::string master;
    std::string sentinel_user;
    std::optional<std::string> sentinel_password;
    std::string connect_timeout = "5s";
    std::optional<std::string> timeout;
    // REDISCLI_AUTH and REDIS_SENTINEL_AUTH, when set and not empty: used when no flag or URL
    // gives a password, so a password need not show in `ps`.
    std::optional<std::string> env_password, env_sentinel_password;
};

/// The rules between the flags: a URL first, then --host/--port over it, --socket over both;
/// TLS file flags need --tls or rediss://; --cert with --key; --sentinel with --master (and
/// not with --cluster); timeouts above zero. Throws UsageError naming the flag.
ConnectionOptions connection_options(const ConnectionFlags& flags);

}  // namespace redisops
