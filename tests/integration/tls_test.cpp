// TLS against a real redis-server --tls-port, with certificates made by openssl at test time.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "deploy_fixture.hpp"
#include "redis/client.hpp"
#include "redis/errors.hpp"
#include "redis/pipeline.hpp"

using namespace redisops;
using namespace redisops::test;

namespace {

const TestCertificates& certs() {
    static TestCertificates c;  // made once per test binary: openssl is slow-ish
    return c;
}

ConnectionOptions tls_options(int port, const std::string& host = "127.0.0.1") {
    ConnectionOptions o;
    o.address.host = host;
    o.address.port = port;
    o.tls.enabled = true;
    o.tls.cacert = certs().ca();
    o.connect_timeout = std::chrono::seconds(5);
    o.command_timeout = std::chrono::seconds(10);
    return o;
}

/// The message of the ConnectionError that connecting and PING raise.
std::string connect_error(const ConnectionOptions& o) {
    try {
        Client c(o);
        c.command({"PING"});
    } catch (const ConnectionError& e) {
        return e.what();
    }
    return "(no error)";
}

std::vector<std::string> tls_cli(int port, std::vector<std::string> extra) {
    std::vector<std::string> a = {"-p", std::to_string(port), "--tls", "--cacert", certs().ca()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

/// The subcommands land in parallel with this file; until `cache` exists, its placeholder
/// refuses before connecting, and the CLI half of a test has nothing to check.
bool cache_landed(const CliResult& r) {
    if (r.err.find("not implemented yet") == std::string::npos) return true;
    MESSAGE("cache subcommand not implemented yet; CLI check skipped");
    return false;
}

}  // namespace

TEST_CASE("a verified TLS connection carries binary values and large pipelines") {
    TlsRedisServer server(certs());
    Client client(tls_options(server.tls_port()));
    std::string value(300000, 'x');
    value[5] = '\0';
    client.command_for_key("tls:big", {"SET", "tls:big", value});
    CHECK(*client.command_for_key("tls:big", {"GET", "tls:big"}).opt_str() == value);

    Pipeline p(client.connection());
    for (int i = 0; i < 2000; ++i) p.add({"SET", "tls:k" + std::to_string(i), std::to_string(i)});
    auto replies = p.exec();
    CHECK(replies.size() == 2000);
    // What is in Redis, seen over the plain port.
    Connection plain = server.plain().connect();
    CHECK(plain.command({"GET", "tls:k1999"}).str() == "1999");
    CHECK(plain.command({"STRLEN", "tls:big"}).integer() == 300000);
}

TEST_CASE("the host name 'localhost' is verified against the certificate's DNS name") {
    TlsRedisServer server(certs());
    Client client(tls_options(server.tls_port(), "localhost"));
    CHECK(client.command({"PING"}).str() == "PONG");
}

TEST_CASE("a server certificate from an unknown CA is refused with 'unknown CA'") {
    TlsRedisServer server(certs());
    ConnectionOptions o = tls_options(server.tls_port());
    o.tls.cacert = certs().path("other-ca.crt");
    std::string msg = connect_error(o);
    CHECK(msg.find("unknown CA") != std::string::npos);

    auto r = run_cli({"-p", std::to_string(server.tls_port()), "--tls", "--cacert",
                      certs().path("other-ca.crt"), "cache", "get", "x"});
    if (cache_landed(r)) {
        CHECK(r.exit_code == 3);
        CHECK(r.err.find("unknown CA") != std::string::npos);
    }
}

TEST_CASE("with no --cacert the system store is used, and a private CA is unknown to it") {
    TlsRedisServer server(certs());
    ConnectionOptions o = tls_options(server.tls_port());
    o.tls.cacert.clear();
    CHECK(connect_error(o).find("unknown CA") != std::string::npos);
}

TEST_CASE("an expired server certificate is refused with 'expired'") {
    TlsRedisServer server(certs(), false, "expired.crt");
    std::string msg = connect_error(tls_options(server.tls_port()));
    CHECK(msg.find("expired") != std::string::npos);
    auto r = run_cli(tls_cli(server.tls_port(), {"cache", "get", "x"}));
    if (cache_landed(r)) {
        CHECK(r.exit_code == 3);
        CHECK(r.err.find("expired") != std::string::npos);
    }
}

TEST_CASE("a certificate for another name is refused with 'hostname mismatch'") {
    TlsRedisServer server(certs(), false, "wrong-name.crt");
    std::string by_ip = connect_error(tls_options(server.tls_port()));
    CHECK(by_ip.find("hostname mismatch") != std::string::npos);
    std::string by_name = connect_error(tls_options(server.tls_port(), "localhost"));
    CHECK(by_name.find("hostname mismatch") != std::string::npos);
    CHECK(by_name.find("localhost") != std::string::npos);

    SUBCASE("--sni names the host the certificate was made for") {
        ConnectionOptions o = tls_options(server.tls_port());
        o.tls.sni = "other.example";
        Client client(o);
        CHECK(client.command({"PING"}).str() == "PONG");
    }
    SUBCASE("--sni with a name the certificate lacks is a mismatch too") {
        TlsRedisServer good(certs());
        ConnectionOptions o = tls_options(good.tls_port());
        o.tls.sni = "other.example";
        CHECK(connect_error(o).find("hostname mismatch") != std::string::npos);
        auto r = run_cli(tls_cli(good.tls_port(), {"--sni", "other.example", "cache", "get", "x"}));
        if (cache_landed(r)) {
            CHECK(r.exit_code == 3);
            CHECK(r.err.find("hostname mismatch") != std::string::npos);
        }
    }
}

TEST_CASE("--insecure skips verification: unknown CA and wrong name are accepted") {
    TlsRedisServer server(certs(), false, "wrong-name.crt");
    ConnectionOptions o = tls_options(server.tls_port());
    o.tls.cacert = certs().path("other-ca.crt");
    o.tls.insecure = true;
    Client client(o);
    client.command_for_key("tls:insecure", {"SET", "tls:insecure", "1"});
    CHECK(server.plain().connect().command({"GET", "tls:insecure"}).str() == "1");
}

TEST_CASE("mutual TLS: the server that requires a client certificate accepts ours") {
    TlsRedisServer server(certs(), true);
    ConnectionOptions o = tls_options(server.tls_port());
    o.tls.cert = certs().path("client.crt");
    o.tls.key = certs().path("client.key");
    Client client(o);
    client.command_for_key("tls:mtls", {"SET", "tls:mtls", "yes"});
    CHECK(server.plain().connect().command({"GET", "tls:mtls"}).str() == "yes");
}

TEST_CASE("mutual TLS: without a client certificate, or with a stranger's, it is exit 3") {
    TlsRedisServer server(certs(), true);
    ConnectionOptions o = tls_options(server.tls_port());
    CHECK(connect_error(o) != "(no error)");
    o.tls.cert = certs().path("stranger.crt");
    o.tls.key = certs().path("stranger.key");
    CHECK(connect_error(o) != "(no error)");

    auto r = run_cli(tls_cli(server.tls_port(), {"cache", "get", "x"}));
    if (cache_landed(r)) {
        CHECK(r.exit_code == 3);
        CHECK(r.err.find("client certificate") != std::string::npos);
    }
}

TEST_CASE("a plain-text server on a TLS connection fails the handshake, exit 3") {
    RedisServer plain;
    ConnectionOptions o = tls_options(plain.port());
    CHECK(connect_error(o).find("TLS handshake") != std::string::npos);
}

TEST_CASE("rediss:// URLs turn TLS on") {
    TlsRedisServer server(certs());
    ConnectionOptions o = parse_url("rediss://127.0.0.1:" + std::to_string(server.tls_port()));
    CHECK(o.tls.enabled);
    o.tls.cacert = certs().ca();
    Client client(o);
    CHECK(client.command({"PING"}).str() == "PONG");
}

TEST_CASE("a missing CA file is a clear connection error") {
    TlsRedisServer server(certs());
    ConnectionOptions o = tls_options(server.tls_port());
    o.tls.cacert = "/nonexistent/ca.crt";
    CHECK(connect_error(o).find("/nonexistent/ca.crt") != std::string::npos);
}

namespace {

/// Three TLS masters sharing every slot: each has a plain port (fixture checks, cluster
/// creation) and a TLS port with `cert`; the cluster bus runs TLS too. `extra` goes to every
/// node (announced hostnames …). The constructor returns once every node says cluster_state:ok.
struct TlsCluster {
    std::vector<std::unique_ptr<RedisServer>> nodes;
    std::vector<int> tls_ports;

    explicit TlsCluster(const std::string& cert, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> create = {server_cli(), "--cluster", "create"};
        for (int i = 0; i < 3; ++i) {
            tls_ports.push_back(free_port());
            std::vector<std::string> args = {"--tls-port",
                                             std::to_string(tls_ports.back()),
                                             "--tls-cert-file",
                                             certs().path(cert),
                                             "--tls-key-file",
                                             certs().path("server.key"),
                                             "--tls-ca-cert-file",
                                             certs().ca(),
                                             "--tls-auth-clients",
                                             "no",
                                             "--tls-cluster",
                                             "yes",
                                             "--cluster-enabled",
                                             "yes",
                                             "--cluster-config-file",
                                             "nodes.conf"};
            args.insert(args.end(), extra.begin(), extra.end());
            nodes.push_back(std::make_unique<RedisServer>(args));
            create.push_back("127.0.0.1:" + std::to_string(nodes.back()->port()));
        }
        create.insert(create.end(), {"--cluster-replicas", "0", "--cluster-yes"});
        run_program(create);
        auto all_ok = [&] {
            for (auto& n : nodes) {
                std::string info(n->connect().command({"CLUSTER", "INFO"}).str());
                if (info.find("cluster_state:ok") == std::string::npos) return false;
            }
            return true;
        };
        for (int attempt = 0; attempt < 300 && !all_ok(); ++attempt) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    ConnectionOptions options() const {
        ConnectionOptions o = tls_options(tls_ports[0]);
        o.cluster = true;
        return o;
    }

    long long total_keys() {
        long long total = 0;
        for (auto& n : nodes) total += n->connect().command({"DBSIZE"}).integer();
        return total;
    }
};

/// Client::masters() once every node has learnt of every other (the map of a node that joined
/// last can lag behind its cluster_state:ok).
std::vector<ServerAddress> settled_masters(const ConnectionOptions& o) {
    for (int attempt = 0; attempt < 300; ++attempt) {
        try {
            auto m = Client(o).masters();
            if (m.size() == 3) return m;
        } catch (const ConnectionError&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Client(o).masters();
}

}  // namespace

TEST_CASE("a Redis Cluster over TLS: discovery, routing and scripts on every node") {
    // A TLS client is told the nodes' TLS ports by CLUSTER SHARDS (or SLOTS).
    TlsCluster cluster("server.crt");
    ConnectionOptions o = cluster.options();
    std::set<int> ports;
    for (const auto& m : settled_masters(o)) ports.insert(m.port);
    CHECK(ports == std::set<int>(cluster.tls_ports.begin(), cluster.tls_ports.end()));
    Client client(o);
    Script s("tls_cluster_set", "return redis.call('SET', KEYS[1], ARGV[1])");
    for (int i = 0; i < 30; ++i) {
        std::string key = "tlsc:" + std::to_string(i);
        client.eval(s, {key}, {std::to_string(i)});
        CHECK(client.command_for_key(key, {"GET", key}).str() == std::to_string(i));
    }
    CHECK(cluster.total_keys() == 30);
}

TEST_CASE("a TLS cluster announcing hostnames: each node's certificate is checked for its name") {
    // What managed services do: nodes announce a DNS name and the cluster prefers it; the
    // client reaches each node by that name, and verifies the node's certificate against it.
    const std::vector<std::string> named = {"--cluster-announce-hostname", "localhost",
                                            "--cluster-preferred-endpoint-type", "hostname"};

    SUBCASE("certificates issued for the announced name: routing and scan-audit -c work") {
        TlsCluster cluster("server.crt", named);  // SAN DNS:localhost
        auto masters = settled_masters(cluster.options());
        REQUIRE(masters.size() == 3);
        for (const auto& m : masters) CHECK(m.host == "localhost");
        for (int i = 0; i < 12; ++i) {
            std::string key = "named:" + std::to_string(i);
            auto r = run_cli(
                tls_cli(cluster.tls_ports[0], {"-c", "cache", "set", key, "v", "--ttl", "1h"}));
            INFO("stderr: " << r.err);
            CHECK(r.exit_code == 0);
        }
        CHECK(cluster.total_keys() == 12);
        auto audit = run_cli(tls_cli(cluster.tls_ports[0],
                                     {"-c", "scan-audit", "--format", "json", "--fail-on", ""}));
        INFO("stderr: " << audit.err);
        REQUIRE(audit.exit_code == 0);
        auto j = nlohmann::json::parse(audit.out);
        CHECK(j["complete"] == true);
        CHECK(j["keys_scanned"] == 12);
        for (const auto& n : j["nodes"])
            CHECK(n["address"].get<std::string>().starts_with("localhost:"));
    }

    SUBCASE("certificates without the announced name: every node is refused, nothing written") {
        // The seed is reached by IP, which these certificates carry; the announced name is not
        // in them, so the connection to each node by that name fails verification.
        TlsCluster cluster("ip-only.crt", named);  // SAN IP:127.0.0.1 only
        ConnectionOptions o = cluster.options();
        std::string error;
        for (int attempt = 0; attempt < 300 && error.find("localhost") == std::string::npos;
             ++attempt) {
            try {
                Client(o).command_for_key("k", {"GET", "k"});
                error = "(no error)";
            } catch (const ConnectionError& e) {
                error = e.what();
            }
            if (error.find("localhost") == std::string::npos)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CHECK(error.find("hostname mismatch") != std::string::npos);
        CHECK(error.find("localhost") != std::string::npos);
        auto r =
            run_cli(tls_cli(cluster.tls_ports[0], {"-c", "cache", "set", "k", "v", "--ttl", "1h"}));
        CHECK(r.exit_code == 3);
        CHECK(r.err.find("hostname mismatch") != std::string::npos);
        CHECK(cluster.total_keys() == 0);
    }
}
