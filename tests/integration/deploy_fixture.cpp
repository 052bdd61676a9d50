#include "deploy_fixture.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "redis/errors.hpp"

namespace redisops::test {
namespace {

using namespace std::chrono_literals;

pid_t spawn_quiet(const std::vector<std::string>& argv, int* stdout_pipe) {
    int out[2] = {-1, -1};
    if (stdout_pipe && ::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> copy = argv;
    std::vector<char*> ptrs;
    for (auto& a : copy) ptrs.push_back(a.data());
    ptrs.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int devnull = ::open("/dev/null", O_RDWR);
        ::dup2(devnull, STDIN_FILENO);
        ::dup2(stdout_pipe ? out[1] : devnull, STDOUT_FILENO);
        ::dup2(devnull, STDERR_FILENO);
        ::execvp(ptrs[0], ptrs.data());
        ::_exit(127);
    }
    if (stdout_pipe) {
        ::close(out[1]);
        *stdout_pipe = out[0];
    }
    return pid;
}

std::string join(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
    return s;
}

/// Polls `ok` until it returns true; throws naming `what` after `limit`.
template <class F>
void wait_for(const char* what, std::chrono::seconds limit, F&& ok) {
    auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
        try {
            if (ok()) return;
        } catch (const Error&) {
        }
        if (std::chrono::steady_clock::now() > until) {
            throw std::runtime_error(std::string("timed out waiting for ") + what);
        }
        std::this_thread::sleep_for(50ms);
    }
}

std::string info_field(std::string_view info, std::string_view name) {
    auto at = info.find(std::string(name) + ":");
    if (at == std::string_view::npos) return "";
    auto start = at + name.size() + 1;
    return std::string(info.substr(start, info.find_first_of("\r\n", start) - start));
}

/// The replica's link is up, and its master counts it online (ROLE lists only those).
bool in_sync(RedisServer& replica, RedisServer& master) {
    if (info_field(replica.connect().command({"INFO", "replication"}).str(),
                   "master_link_status") != "up")
        return false;
    Reply role = master.connect().command({"ROLE"});
    for (size_t i = 0; i < role[2].size(); ++i) {
        if (role[2][i][1].str() == std::to_string(replica.port())) return true;
    }
    return false;
}

}  // namespace

std::string run_program(const std::vector<std::string>& argv, bool capture) {
    int fd = -1;
    pid_t pid = spawn_quiet(argv, capture ? &fd : nullptr);
    std::string out;
    if (capture) {
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
        ::close(fd);
    }
    int ws = 0;
    ::waitpid(pid, &ws, 0);
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
        throw std::runtime_error("command failed: " + join(argv));
    }
    return out;
}

// --- TLS ---------------------------------------------------------------------------------

TestCertificates::TestCertificates() {
    make_ca("ca");
    make_ca("other-ca");
    make_cert("server", "ca", "server", "DNS:localhost,IP:127.0.0.1", 2);
    make_cert("client", "ca", "client", "DNS:redis-ops-client", 2);
    make_cert("stranger", "other-ca", "stranger", "DNS:redis-ops-client", 2);
    // notBefore is now and notAfter yesterday: verification reports "expired".
    make_cert("expired", "ca", "server", "DNS:localhost,IP:127.0.0.1", -1);
    make_cert("wrong-name", "ca", "server", "DNS:other.example", 2);
    make_cert("ip-only", "ca", "server", "IP:127.0.0.1", 2);
}

void TestCertificates::make_ca(const std::string& name) {
    run_program({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path(name + ".key"), "-out",
                 path(name + ".crt"), "-days", "2", "-subj", "/CN=redis-ops test " + name});
}

void TestCertificates::make_cert(const std::string& name, const std::string& ca,
                                 const std::string& key, const std::string& san, int days) {
    if (!std::ifstream(path(key + ".key"))) {
        run_program({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                     "ec_paramgen_curve:prime256v1", "-out", path(key + ".key")});
    }
    run_program({"openssl", "req", "-new", "-key", path(key + ".key"), "-out", path(name + ".csr"),
                 "-subj", "/CN=" + name});
    std::ofstream(path(name + ".ext")) << "subjectAltName=" << san << "\n";
    run_program({"openssl", "x509", "-req", "-in", path(name + ".csr"), "-CA", path(ca + ".crt"),
                 "-CAkey", path(ca + ".key"), "-CAcreateserial", "-out", path(name + ".crt"),
                 "-days", std::to_string(days), "-extfile", path(name + ".ext")});
}

TlsRedisServer::TlsRedisServer(const TestCertificates& certs, bool require_client_cert,
                               const std::string& cert)
    : tls_port_(free_port()) {
    server_ = std::make_unique<RedisServer>(std::vector<std::string>{
        "--tls-port", std::to_string(tls_port_), "--tls-cert-file", certs.path(cert),
        "--tls-key-file", certs.path("server.key"), "--tls-ca-cert-file", certs.ca(),
        "--tls-auth-clients", require_client_cert ? "yes" : "no"});
}

// --- Cluster -----------------------------------------------------------------------------

TestCluster::TestCluster(int masters, int replicas_per_master, std::vector<std::string> extra) {
    int total = masters * (1 + replicas_per_master);
    std::vector<std::string> create = {server_cli(), "--cluster", "create"};
    for (int i = 0; i < total; ++i) {
        // No diskless-sync delay (5 s by default), so a replica holds its master's data soon
        // after the cluster forms.
        std::vector<std::string> config{
            "--cluster-enabled",      "yes",  "--cluster-config-file",      "nodes.conf",
            "--cluster-node-timeout", "3000", "--repl-diskless-sync-delay", "0"};
        config.insert(config.end(), extra.begin(), extra.end());
        nodes_.push_back(std::make_unique<RedisServer>(config));
        create.push_back("127.0.0.1:" + std::to_string(nodes_.back()->port()));
    }
    create.insert(create.end(),
                  {"--cluster-replicas", std::to_string(replicas_per_master), "--cluster-yes"});
    run_program(create);
    wait_until_consistent();
    // A node may still be turning into a replica when the create returns. And a replica that
    // never finished its first sync will not stand for election when its master dies (Redis
    // counts its data as infinitely old): every replica must be in sync before a test starts.
    wait_for("every replica to sync with its master", 60s, [&] {
        masters_.clear();
        for (size_t i = 0; i < nodes_.size(); ++i) {
            Reply role = nodes_[i]->connect().command({"ROLE"});
            if (role[0].str() == "master") {
                masters_.push_back(i);
                continue;
            }
            // ["slave", master ip, master port, state, offset]
            auto master = std::find_if(nodes_.begin(), nodes_.end(), [&](const auto& n) {
                return n->port() == role[2].integer();
            });
            if (master == nodes_.end() || !in_sync(*nodes_[i], **master)) return false;
        }
        return masters_.size() == static_cast<size_t>(masters);
    });
}

void TestCluster::wait_until_consistent() {
    wait_for("cluster_state:ok on every node", 60s, [&] {
        std::string first;
        for (auto& n : nodes_) {
            if (!n->running()) continue;  // a test killed it
            Connection c = n->connect();
            if (info_field(c.command({"CLUSTER", "INFO"}).str(), "cluster_state") != "ok") {
                return false;
            }
            // Every node must agree on who owns what before a test routes through any of them.
            Reply slots = c.command({"CLUSTER", "SLOTS"});
            std::string shape;
            for (size_t i = 0; i < slots.size(); ++i) {
                shape += std::to_string(slots[i][0].integer()) + "-" +
                         std::to_string(slots[i][1].integer()) + "@" +
                         std::to_string(slots[i][2][1].integer()) + ";";
            }
            std::sort(shape.begin(), shape.end());  // order-insensitive fingerprint
            if (first.empty()) first = shape;
            if (shape != first) return false;
        }
        return true;
    });
}

ServerAddress TestCluster::address(size_t i) const {
    ServerAddress a;
    a.port = nodes_[i]->port();
    return a;
}

ConnectionOptions TestCluster::options() const {
    ConnectionOptions o;
    o.address = address(0);
    o.cluster = true;
    o.connect_timeout = 5s;
    o.command_timeout = 30s;
    return o;
}

std::vector<std::string> TestCluster::cli_args() const {
    return {"-c", "-p", std::to_string(nodes_[0]->port())};
}

CliResult TestCluster::cli(const std::vector<std::string>& args) const {
    std::vector<std::string> full = cli_args();
    full.insert(full.end(), args.begin(), args.end());
    CliOptions opts;
    opts.timeout = std::chrono::seconds(60);
    return run_cli(full, opts);
}

std::string TestCluster::node_id(size_t i) {
    return std::string(nodes_[i]->connect().command({"CLUSTER", "MYID"}).str());
}

size_t TestCluster::owner_of(int slot) {
    Reply slots = nodes_[masters_[0]]->connect().command({"CLUSTER", "SLOTS"});
    for (size_t i = 0; i < slots.size(); ++i) {
        if (slots[i][0].integer() <= slot && slot <= slots[i][1].integer()) {
            auto port = slots[i][2][1].integer();
            for (size_t n = 0; n < nodes_.size(); ++n) {
                if (nodes_[n]->port() == port) return n;
            }
        }
    }
    throw std::runtime_error("no owner for slot " + std::to_string(slot));
}

size_t TestCluster::wait_for_new_owner(int slot, size_t old) {
    size_t asked = old == 0 ? 1 : 0;
    size_t owner = old;
    wait_for("a replica to take over the dead master's slots", 60s, [&] {
        Reply slots = nodes_[asked]->connect().command({"CLUSTER", "SLOTS"});
        for (size_t i = 0; i < slots.size(); ++i) {
            if (slots[i][0].integer() <= slot && slot <= slots[i][1].integer()) {
                for (size_t n = 0; n < nodes_.size(); ++n) {
                    if (nodes_[n]->port() == slots[i][2][1].integer()) owner = n;
                }
            }
        }
        return owner != old;
    });
    wait_until_consistent();
    return owner;
}

void TestCluster::begin_migration(int slot, size_t to) {
    size_t from = owner_of(slot);
    if (from == to) throw std::logic_error("begin_migration: the node already owns the slot");
    std::string s = std::to_string(slot);
    // IMPORTING first, then MIGRATING, as redis-cli --cluster reshard does: a client sent to
    // the target by ASK must find it ready.
    nodes_[to]->connect().command({"CLUSTER", "SETSLOT", s, "IMPORTING", node_id(from)});
    nodes_[from]->connect().command({"CLUSTER", "SETSLOT", s, "MIGRATING", node_id(to)});
    migrating_from_[slot] = from;
}

void TestCluster::finish_migration(int slot, size_t to) {
    size_t from = migrating_from_.at(slot);
    std::string s = std::to_string(slot);
    Connection src = nodes_[from]->connect();
    for (;;) {
        Reply keys = src.command({"CLUSTER", "GETKEYSINSLOT", s, "100"});
        if (keys.size() == 0) break;
        Args migrate = {"MIGRATE", "127.0.0.1", std::to_string(nodes_[to]->port()), "", "0",
                        "5000",    "KEYS"};
        for (const auto& k : keys.strings()) migrate.push_back(k);
        src.command(migrate);
    }
    std::string target = node_id(to);
    nodes_[to]->connect().command({"CLUSTER", "SETSLOT", s, "NODE", target});
    src.command({"CLUSTER", "SETSLOT", s, "NODE", target});
    for (size_t m : masters_) {
        if (m != from && m != to)
            nodes_[m]->connect().command({"CLUSTER", "SETSLOT", s, "NODE", target});
    }
    migrating_from_.erase(slot);
    wait_until_consistent();
}

void TestCluster::migrate_slot(int slot, size_t to) {
    begin_migration(slot, to);
    finish_migration(slot, to);
}

// --- Sentinel ----------------------------------------------------------------------------

TestSentinel::TestSentinel(std::string sentinel_password, std::string name)
    : password_(std::move(sentinel_password)), name_(std::move(name)) {
    // No diskless-sync delay (5 s by default): the replica syncs at once, on either side of
    // a failover.
    master_ =
        std::make_unique<RedisServer>(std::vector<std::string>{"--repl-diskless-sync-delay", "0"});
    replica_ = std::make_unique<RedisServer>(
        std::vector<std::string>{"--replicaof", "127.0.0.1", std::to_string(master_->port()),
                                 "--repl-diskless-sync-delay", "0"});
    wait_for("the replica to sync", 60s, [&] { return in_sync(*replica_, *master_); });
    sentinel_port_ = free_port();
    std::string conf = dir_.path() + "/sentinel.conf";
    {
        std::ofstream f(conf);
        f << "port " << sentinel_port_ << "\nbind 127.0.0.1\ndir " << dir_.path() << "\nlogfile "
          << dir_.path() << "/sentinel.log\n"
          << "sentinel monitor " << name_ << " 127.0.0.1 " << master_->port() << " 1\n"
          << "sentinel down-after-milliseconds " << name_ << " 1000\n"
          << "sentinel failover-timeout " << name_ << " 10000\n";
        if (!password_.empty()) f << "requirepass " << password_ << "\n";
    }
    sentinel_pid_ = spawn_quiet({server_binary(), conf, "--sentinel"}, nullptr);
    // Ready when the sentinel knows the replica well enough to promote it.
    wait_for("the sentinel to see the replica", 30s, [&] {
        Reply r = sentinel_connection().command({"SENTINEL", "REPLICAS", name_});
        return r.size() == 1;
    });
}

TestSentinel::~TestSentinel() {
    if (sentinel_pid_ > 0) {
        ::kill(sentinel_pid_, SIGKILL);
        int ws;
        ::waitpid(sentinel_pid_, &ws, 0);
    }
}

Connection TestSentinel::sentinel_connection() const {
    ConnectionOptions o;
    o.address.port = sentinel_port_;
    if (!password_.empty()) o.password = password_;
    o.connect_timeout = 5s;
    o.command_timeout = 10s;
    return Connection::open(o);
}

ConnectionOptions TestSentinel::options() const {
    ConnectionOptions o;
    ServerAddress s;
    s.port = sentinel_port_;
    o.sentinels = {s};
    o.master_name = name_;
    if (!password_.empty()) o.sentinel_password = password_;
    o.connect_timeout = 10s;
    o.command_timeout = 10s;
    return o;
}

std::vector<std::string> TestSentinel::cli_args() const {
    std::vector<std::string> a = {"--sentinel", "127.0.0.1:" + std::to_string(sentinel_port_),
                                  "--master", name_};
    if (!password_.empty()) a.insert(a.end(), {"--sentinel-pass", password_});
    return a;
}

int TestSentinel::current_master_port() {
    Reply r = sentinel_connection().command({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", name_});
    return static_cast<int>(r[1].integer());
}

int TestSentinel::failover() {
    int old_port = current_master_port();
    wait_for("SENTINEL FAILOVER to be accepted", 30s, [&] {
        // NOGOODSLAVE until the sentinel has fresh INFO from the replica: retry.
        return !sentinel_connection().command_unchecked({"SENTINEL", "FAILOVER", name_}).is_error();
    });
    int new_port = 0;
    wait_for("the sentinel to name a new master", 40s, [&] {
        new_port = current_master_port();
        return new_port != old_port;
    });
    RedisServer& promoted = new_port == replica_->port() ? *replica_ : *master_;
    RedisServer& demoted = new_port == replica_->port() ? *master_ : *replica_;
    wait_for("the new master to be promoted", 20s,
             [&] { return promoted.connect().command({"ROLE"})[0].str() == "master"; });
    // The sentinel demotes the old master only when its next INFO poll (up to 10 s) shows it
    // still claims to be master; until then both accept writes. Do now what it would do then:
    // REPLICAOF the new master, and CLIENT KILL so clients reconnect through the sentinel.
    Connection old = demoted.connect();
    old.command({"REPLICAOF", "127.0.0.1", std::to_string(new_port)});
    old.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
    return new_port;
}

}  // namespace redisops::test
