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

/// Parses "HOST:PORT" (IPv6 as "[::1]:6379"); throws UsageError naming `what`.
ServerAddress parse_host_port(std::string_view text, std::string_view what);

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

}  // namespace redisops
