// Deployments beyond one server, for tests: TLS certificates made with openssl at run time and
// a TLS-enabled redis-server, a real 3-master Redis Cluster made with `redis-cli --cluster
// create`, and a master + replica watched by a real redis-sentinel. Everything lives in temp
// dirs on free ports and is stopped by RAII.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "redis/client.hpp"

namespace redisops::test {

/// Runs a program (no shell) with stdout and stderr discarded; throws with its argv on a
/// non-zero exit. Returns its stdout when `capture`.
std::string run_program(const std::vector<std::string>& argv, bool capture = false);

/// A CA, certificates it signed, and an unrelated CA, made with openssl in a temp dir.
class TestCertificates {
  public:
    TestCertificates();
    std::string path(const std::string& file) const { return dir_.path() + "/" + file; }
    // ca.crt, other-ca.crt; server.{crt,key} (SAN localhost, 127.0.0.1); client.{crt,key};
    // expired.crt (server.key, expired yesterday); wrong-name.crt (server.key, SAN
    // other.example only); ip-only.crt (server.key, SAN IP:127.0.0.1 only, no DNS name);
    // stranger.{crt,key} (a client cert from other-ca).
    std::string ca() const { return path("ca.crt"); }

  private:
    void make_ca(const std::string& name);
    void make_cert(const std::string& name, const std::string& ca, const std::string& key,
                   const std::string& san, int days);
    TempDir dir_;
};

/// redis-server listening on a plain port (for the fixture and assertions) and a TLS port.
class TlsRedisServer {
  public:
    /// `cert` is a file in certs (server.crt, expired.crt, wrong-name.crt).
    TlsRedisServer(const TestCertificates& certs, bool require_client_cert = false,
                   const std::string& cert = "server.crt");
    int tls_port() const { return tls_port_; }
    RedisServer& plain() { return *server_; }

  private:
    int tls_port_;
    std::unique_ptr<RedisServer> server_;
};

/// A Redis Cluster of `masters` masters (and `replicas_per_master` replicas each), every slot
/// assigned, cluster_state:ok on every node before the constructor returns.
class TestCluster {
  public:
    /// `extra`: config arguments for every node ("--cluster-announce-hostname", "localhost" …).
    explicit TestCluster(int masters = 3, int replicas_per_master = 0,
                         std::vector<std::string> extra = {});
    size_t size() const { return nodes_.size(); }
    RedisServer& node(size_t i) { return *nodes_[i]; }
    ServerAddress address(size_t i) const;
    /// Client options with -c semantics, seeded with node 0.
    ConnectionOptions options() const;
    /// The global flags for run_cli: {"-c", "-p", port of node 0}.
    std::vector<std::string> cli_args() const;
    /// run_cli with cli_args() first, and a 60 s timeout.
    CliResult cli(const std::vector<std::string>& args) const;

    std::string node_id(size_t i);
    /// The index of the master that owns `slot` (asked of node 0).
    size_t owner_of(int slot);
    /// Starts moving `slot` from its owner to `to`: IMPORTING/MIGRATING set, no key moved.
    void begin_migration(int slot, size_t to);
    /// Moves every key of `slot` (MIGRATE) and hands the slot to `to` on every master.
    void finish_migration(int slot, size_t to);
    /// Both: a complete resharding of one slot.
    void migrate_slot(int slot, size_t to);
    /// After node `old` died: waits until the survivors elected a replica for `slot` and agree
    /// on it; returns the new owner's index.
    size_t wait_for_new_owner(int slot, size_t old);
    /// Waits until every node reports cluster_state:ok and agrees on the slot owners.
    void wait_until_consistent();

  private:
    std::vector<std::unique_ptr<RedisServer>> nodes_;
    std::vector<size_t> masters_;
    std::map<int, size_t> migrating_from_;
};

/// A master, one replica, and one redis-sentinel watching them as `name`.
class TestSentinel {
  public:
    explicit TestSentinel(std::string sentinel_password = "", std::string name = "mymaster");
    ~TestSentinel();
    TestSentinel(const TestSentinel&) = delete;
    TestSentinel& operator=(const TestSentinel&) = delete;

    RedisServer& master() { return *master_; }
    RedisServer& replica() { return *replica_; }
    int sentinel_port() const { return sentinel_port_; }
    const std::string& name() const { return name_; }
    /// Client options: --sentinel 127.0.0.1:PORT --master NAME (with the sentinel password).
    ConnectionOptions options() const;
    std::vector<std::string> cli_args() const;
    /// SENTINEL FAILOVER (retried until the sentinel accepts it), then waits until the replica
    /// is master and the sentinel names it. Returns the new master's port.
    int failover();
    /// The port the sentinel names as master now.
    int current_master_port();

  private:
    Connection sentinel_connection() const;
    TempDir dir_;
    std::unique_ptr<RedisServer> master_, replica_;
    std::string password_, name_;
    int sentinel_port_ = 0;
    pid_t sentinel_pid_ = -1;
};

}  // namespace redisops::test
