// The rules between the connection flags (src/redis/options.cpp connection_options): what
// wins over what, which flags need which, and what is a usage error.
#include "redis/options.hpp"

#include <doctest/doctest.h>

// GCC 12 at -O2 warns that a disengaged std::optional<std::string> "may be used uninitialized"
// when one is engaged later in the same function (GCC PR 80635, a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "redis/errors.hpp"

using namespace redisops;
using std::chrono::milliseconds;

namespace {

std::string error_of(const ConnectionFlags& f) {
    try {
        connection_options(f);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("no flags: 127.0.0.1:6379, db 0, a 5s connect timeout and no command timeout") {
    ConnectionOptions o = connection_options({});
    CHECK(o.address.display() == "127.0.0.1:6379");
    CHECK(o.db == 0);
    CHECK_FALSE(o.password);
    CHECK(o.connect_timeout == milliseconds(5000));
    CHECK_FALSE(o.command_timeout);
    CHECK_FALSE(o.tls.enabled);
}

TEST_CASE("an empty URL is a usage error, not the default server") {
    ConnectionFlags f;
    f.url.emplace("");
    CHECK(error_of(f) == "--url: empty URL");
}

TEST_CASE("flags override the URL, and --socket overrides --host and --port") {
    ConnectionFlags f;
    f.url.emplace("redis://alice:pw@db.example:6380/2");
    f.port = 7000;
    ConnectionOptions o = connection_options(f);
    CHECK(o.address.display() == "db.example:7000");
    CHECK(o.user == "alice");
    CHECK(o.password == "pw");
    CHECK(o.db == 2);

    f.host.emplace("cache.local");
    f.db = 5;
    f.user.emplace("bob");
    o = connection_options(f);
    CHECK(o.address.display() == "cache.local:7000");
    CHECK(o.db == 5);
    CHECK(o.user == "bob");

    f.socket.emplace("/run/redis.sock");
    o = connection_options(f);
    CHECK(o.address.is_unix());
    CHECK(o.address.display() == "/run/redis.sock");

    // -h over a unix:// URL connects over TCP.
    ConnectionFlags g;
    g.url.emplace("unix:///run/redis.sock?db=1");
    g.host.emplace("10.0.0.1");
    o = connection_options(g);
    CHECK_FALSE(o.address.is_unix());
    CHECK(o.address.display() == "10.0.0.1:6379");
    CHECK(o.db == 1);

    ConnectionFlags empty_host;
    empty_host.host.emplace("");
    CHECK(error_of(empty_host) == "--host: empty host name");
    ConnectionFlags empty_socket;
    empty_socket.socket.emplace("");
    CHECK(error_of(empty_socket) == "--socket: empty path");
}

TEST_CASE("the password comes from -a, then the URL, then REDISCLI_AUTH") {
    ConnectionFlags f;
    f.env_password.emplace("from-env");
    CHECK(connection_options(f).password == "from-env");
    f.url.emplace("redis://:from-url@localhost");
    CHECK(connection_options(f).password == "from-url");
    f.password.emplace("from-flag");
    CHECK(connection_options(f).password == "from-flag");
    ConnectionFlags empty_env;
    empty_env.env_password.emplace("");
    CHECK_FALSE(connection_options(empty_env).password);
}

TEST_CASE("TLS file flags need --tls or rediss://, and --cert needs --key") {
    ConnectionFlags f;
    f.cacert.emplace("ca.pem");
    CHECK(error_of(f).find("need --tls or rediss://") != std::string::npos);
    f.tls = true;
    ConnectionOptions o = connection_options(f);
    CHECK(o.tls.enabled);
    CHECK(o.tls.cacert == "ca.pem");

    ConnectionFlags by_url;
    by_url.url.emplace("rediss://localhost");
    by_url.insecure = true;
    CHECK(connection_options(by_url).tls.insecure);

    ConnectionFlags half;
    half.tls = true;
    half.cert.emplace("client.pem");
    CHECK(error_of(half) == "--cert and --key go together (mutual TLS needs both)");
    half.key.emplace("client.key");
    CHECK(connection_options(half).tls.key == "client.key");
}

TEST_CASE("--sentinel defaults to port 26379, as redis-cli does, and needs --master") {
    ConnectionFlags f;
    f.sentinels = {"10.0.0.5", "10.0.0.6:5000", "[::1]"};
    f.master = "mymaster";
    ConnectionOptions o = connection_options(f);
    REQUIRE(o.sentinels.size() == 3);
    CHECK(o.sentinels[0].display() == "10.0.0.5:26379");
    CHECK(o.sentinels[1].display() == "10.0.0.6:5000");
    CHECK(o.sentinels[2].display() == "[::1]:26379");
    CHECK(o.master_name == "mymaster");

    f.env_sentinel_password.emplace("s-env");
    CHECK(connection_options(f).sentinel_password == "s-env");
    f.sentinel_password.emplace("s-flag");
    CHECK(connection_options(f).sentinel_password == "s-flag");

    f.cluster = true;
    CHECK(error_of(f) == "--cluster and --sentinel cannot be combined");
    f.cluster = false;
    f.master.clear();
    CHECK(error_of(f) == "--sentinel needs --master NAME");
    ConnectionFlags master_only;
    master_only.master = "m";
    CHECK(error_of(master_only) == "--master needs at least one --sentinel HOST:PORT");
    ConnectionFlags bad;
    bad.sentinels = {"host:abc"};
    bad.master = "m";
    CHECK(error_of(bad).starts_with("--sentinel: invalid port"));
}

TEST_CASE("timeouts must be durations above zero") {
    ConnectionFlags f;
    f.connect_timeout = "250ms";
    f.timeout.emplace("2s");
    ConnectionOptions o = connection_options(f);
    CHECK(o.connect_timeout == milliseconds(250));
    CHECK(o.command_timeout == milliseconds(2000));
    f.connect_timeout = "0";
    CHECK(error_of(f) == "--connect-timeout: must be above zero");
    f.connect_timeout = "5s";
    f.timeout.emplace("0ms");
    CHECK(error_of(f) == "--timeout: must be above zero");
    f.timeout.emplace("");
    CHECK(error_of(f).starts_with("--timeout: invalid duration"));
}
