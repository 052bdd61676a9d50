// scan-audit --rdb and --rdb-sync against snapshots that real servers wrote: every type in its
// compact and its big encoding, compressed strings, streams with groups, several dbs. The audit
// of the file must agree with the live audit of the same data.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "../unit/rdb_bytes.hpp"
#include "deploy_fixture.hpp"
#include "fixture.hpp"
#include "redis/pipeline.hpp"

using namespace redisops;
using namespace redisops::test;
using nlohmann::json;

namespace {

constexpr long long kTtlMs = 30 * 60 * 1000;  // well inside the < 1h bucket either way

// Small thresholds, so a few elements already give the big encodings.
const std::vector<std::string> kCompactConfig = {"--hash-max-listpack-entries",
                                                 "8",
                                                 "--zset-max-listpack-entries",
                                                 "8",
                                                 "--set-max-intset-entries",
                                                 "8",
                                                 "--list-max-listpack-size",
                                                 "4",
                                                 "--list-compress-depth",
                                                 "1",
                                                 "--rdbcompression",
                                                 "yes"};

/// Every type in both encodings; db 1 holds a few more keys.
void load_every_encoding(const RedisServer& server) {
    Connection c = server.connect();
    // Elements above this size go into plain quicklist nodes (normally 1 GB).
    c.command({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "200"});
    Pipeline p(c);
    for (int i = 0; i < 20; ++i) {
        std::string n = std::to_string(i);
        p.add({"SET", "str:small:" + n, "v" + n});
        p.add({"SET", "str:int:" + n, std::to_string(i * 1000003 - 7)});
        p.add({"SET", "str:comp:" + n, std::string(400 + static_cast<size_t>(i), 'c')});
        p.add({"SET", "session:" + fmt::format("{:016x}", 0xabc000 + i), "s", "PX",
               std::to_string(kTtlMs)});
        p.add({"HSET", "hash:small:" + n, "a", "1", "b", "2"});
        p.add({"SADD", "set:int:" + n, "1", "2", "3"});
        p.add({"SADD", "set:str:" + n, "x", "y"});
        p.add({"ZADD", "zset:small:" + n, "1", "a", "2.5", "b"});
        p.add({"RPUSH", "list:small:" + n, "a", "b", "c"});
        p.add({"PEXPIRE", "list:small:" + n, std::to_string(kTtlMs)});
    }
    Args big_hash{"HSET", "hash:big"}, big_zset{"ZADD", "zset:big"}, big_set{"SADD", "set:big"},
        big_intset{"SADD", "set:intbig"}, big_list{"RPUSH", "list:big"};
    for (int i = 0; i < 40; ++i) {
        std::string n = std::to_string(i);
        big_hash.insert(big_hash.end(), {"field" + n, std::string(30, 'h')});
        big_zset.insert(big_zset.end(), {n, "member" + n});
        big_set.insert(big_set.end(), "member" + n);
        big_intset.push_back(std::to_string(i * 7));
        big_list.push_back("element" + n);
    }
    big_list.push_back(std::string(1000, 'p'));  // a plain node
    for (const Args& a : {big_hash, big_zset, big_set, big_intset, big_list}) p.add(a);
    std::string blob(300'000, '\0');
    for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>((i * 2654435761u) >> 13);
    p.add({"SET", "blob:random", blob});
    for (int s = 0; s < 3; ++s) {
        std::string k = "stream:" + std::to_string(s);
        for (int e = 0; e < 5; ++e) {
            // One entry with other fields, so not every entry shares the master's.
            p.add({"XADD", k, std::to_string(e + 1) + "-1", e == 3 ? "other" : "field",
                   "value" + std::to_string(e)});
        }
        if (s == 0) p.add({"XDEL", k, "3-1"});  // a deleted entry stays in its listpack
        p.add({"XGROUP", "CREATE", k, "workers", "0"});
        p.add({"XREADGROUP", "GROUP", "workers", "alice", "COUNT", "2", "STREAMS", k, ">"});
    }
    for (const auto& r : p.exec()) REQUIRE_FALSE(r.is_error());
    c.command({"SELECT", "1"});
    for (int i = 0; i < 7; ++i) c.command({"SET", "db1:key:" + std::to_string(i), "v"});
    c.command({"SELECT", "0"});
    REQUIRE(c.command({"OBJECT", "ENCODING", "hash:big"}).str() == "hashtable");
    REQUIRE(c.command({"OBJECT", "ENCODING", "set:int:0"}).str() == "intset");
    REQUIRE(c.command({"OBJECT", "ENCODING", "zset:big"}).str() == "skiplist");
    c.command({"SAVE"});
}

std::string dump_path(const RedisServer& s) { return s.dir() + "/dump.rdb"; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

json audit(const std::vector<std::string>& args, int expect = 0, const CliOptions& o = {}) {
    std::vector<std::string> a = args;
    a.insert(a.end(),
             {"--format", "json", "--big-bytes", "1gb", "--big-elements", "10", "--top", "100"});
    CliResult r = run_cli(a, o);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == expect);
    return json::parse(r.out);
}

std::map<std::string, uint64_t> patterns(const json& j) {
    std::map<std::string, uint64_t> m;
    for (const auto& p : j["no_ttl"]["patterns"]) m[p["pattern"]] = p["keys"];
    return m;
}

std::map<std::string, uint64_t> big_by_elements(const json& j) {
    std::map<std::string, uint64_t> m;
    for (const auto& k : j["big_keys"]) m[k["key"]] = k["elements"];
    return m;
}

/// What an RDB audit must share with the live audit of the same data.
void check_same_keyspace(const json& rdb, const json& live) {
    CHECK(rdb["complete"] == true);
    CHECK(rdb["bytes_source"] == "rdb");
    CHECK(live["bytes_source"] == "memory_usage");
    CHECK(rdb["est_memory_bytes"].get<uint64_t>() > 0);
    CHECK(rdb["keys_scanned"] == live["keys_scanned"]);
    CHECK(rdb["types"] == live["types"]);
    CHECK(rdb["no_ttl"]["count"] == live["no_ttl"]["count"]);
    CHECK(patterns(rdb) == patterns(live));
    CHECK(rdb["ttl"] == live["ttl"]);
    CHECK(big_by_elements(rdb) == big_by_elements(live));
    CHECK(rdb["big_keys_count"] == live["big_keys_count"]);
}

void check_file_matches_live(const std::string& binary) {
    std::vector<std::string> extra = kCompactConfig;
    RedisServer server(extra, binary);
    load_every_encoding(server);
    json live = audit({"-p", std::to_string(server.port()), "scan-audit"});
    json rdb = audit({"scan-audit", "--rdb", dump_path(server), "-n", "0"});
    check_same_keyspace(rdb, live);
    CHECK(rdb["rdb"]["checksum_verified"] == true);
    CHECK(big_by_elements(rdb).at("list:big") == 41);
    CHECK(big_by_elements(rdb).count("stream:0") == 0);  // not big: 5 entries
}

}  // namespace

TEST_CASE("--rdb of a redis-server snapshot equals the live audit of the same data") {
    check_file_matches_live("redis-server");
}

TEST_CASE("--rdb of a valkey-server 8 snapshot (RDB 11) equals the live audit") {
    check_file_matches_live("valkey-server");
}

TEST_CASE("--rdb reports every db apart, and -n picks one") {
    RedisServer server(kCompactConfig);
    load_every_encoding(server);
    json all = audit({"scan-audit", "--rdb", dump_path(server)});
    json db0 = audit({"scan-audit", "--rdb", dump_path(server), "-n", "0"});
    json db1 = audit({"scan-audit", "--rdb", dump_path(server), "-n", "1"});
    CHECK(db1["keys_scanned"] == 7);
    CHECK(all["keys_scanned"] == db0["keys_scanned"].get<uint64_t>() + 7);
    REQUIRE(all["rdb"]["dbs"].size() == 2);
    CHECK(all["rdb"]["dbs"][1]["db"] == 1);
    CHECK(all["rdb"]["dbs"][1]["keys"] == 7);
    CHECK(all["rdb"]["dbs"][1]["no_ttl"] == 7);
    json live1 = audit({"-p", std::to_string(server.port()), "-n", "1", "scan-audit"});
    CHECK(db1["no_ttl"]["count"] == live1["no_ttl"]["count"]);
}

TEST_CASE("--rdb - reads the snapshot from stdin") {
    RedisServer server(kCompactConfig);
    load_every_encoding(server);
    json file = audit({"scan-audit", "--rdb", dump_path(server)});
    json piped = audit({"scan-audit", "--rdb", "-"}, 0, cli_options(read_file(dump_path(server))));
    CHECK(piped["keys_scanned"] == file["keys_scanned"]);
    CHECK(piped["types"] == file["types"]);
    CHECK(piped["nodes"][0]["address"] == "stdin");
}

TEST_CASE("--match, --type and --ignore filter a snapshot as they filter a walk") {
    RedisServer server(kCompactConfig);
    load_every_encoding(server);
    std::string port = std::to_string(server.port());
    for (std::vector<std::string> f :
         {std::vector<std::string>{"--match", "str:*"}, std::vector<std::string>{"--type", "hash"},
          std::vector<std::string>{"--ignore", "str:*"}}) {
        std::vector<std::string> live_args{"-p", port, "scan-audit"},
            rdb_args{"scan-audit", "--rdb", dump_path(server), "-n", "0"};
        live_args.insert(live_args.end(), f.begin(), f.end());
        rdb_args.insert(rdb_args.end(), f.begin(), f.end());
        json live = audit(live_args), rdb = audit(rdb_args);
        CHECK(rdb["keys_scanned"] == live["keys_scanned"]);
        CHECK(rdb["keys_ignored"] == live["keys_ignored"]);
        CHECK(rdb["no_ttl"]["count"] == live["no_ttl"]["count"]);
    }
}

TEST_CASE("the gates of a live audit hold for a snapshot") {
    RedisServer server(kCompactConfig);
    load_every_encoding(server);
    CliResult r = run_cli({"scan-audit", "--rdb", dump_path(server), "--fail-on", "no-ttl"});
    CHECK(r.exit_code == 1);
    CliResult ok = run_cli(
        {"scan-audit", "--rdb", dump_path(server), "--fail-on", "no-ttl", "--max-no-ttl", "100%"});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("serialized") != std::string::npos);
}

TEST_CASE("keys already expired when the snapshot was taken are counted apart") {
    using namespace redisops::rdb::test;
    std::string body = "\xfa" + str_bytes("ctime") + str_bytes("1700000000");
    body += "\xfc" + le_bytes(1'600'000'000'000, 8) + std::string(1, '\0') + str_bytes("gone") +
            str_bytes("v");
    body += "\xfc" + le_bytes(1'700'000'600'000, 8) + std::string(1, '\0') + str_bytes("alive") +
            str_bytes("v");
    body += std::string(1, '\0') + str_bytes("forever") + str_bytes("v");
    TempDir dir;
    std::string path = dir.path() + "/expired.rdb";
    write_file(path, rdb_file(body));
    json j = audit({"scan-audit", "--rdb", path});
    CHECK(j["keys_scanned"] == 2);
    CHECK(j["rdb"]["expired_keys"] == 1);
    CHECK(j["no_ttl"]["count"] == 1);
    CHECK(j["ttl"]["under_1h"] == 1);  // 600 s after the snapshot's ctime
}

TEST_CASE("the idle times and LFU counters a snapshot carries are reported") {
    for (std::string policy : {"allkeys-lru", "allkeys-lfu"}) {
        RedisServer server({"--maxmemory-policy", policy});
        Connection c = server.connect();
        for (int i = 0; i < 25; ++i) c.command({"SET", "k:" + std::to_string(i), "v"});
        c.command({"SAVE"});
        json j = audit({"scan-audit", "--rdb", dump_path(server)});
        CHECK(j["keys_scanned"] == 25);
        bool lru = policy == "allkeys-lru";
        CHECK(j["rdb"]["keys_with_idle"] == (lru ? 25 : 0));
        CHECK(j["rdb"]["keys_with_freq"] == (lru ? 0 : 25));
    }
}

TEST_CASE("a module value a real server wrote is passed over, typed module:NAME, and counted") {
    // tests/integration/module: a data type of its own, saved as an unsigned and a string.
    RedisServer server({"--loadmodule", REDIS_OPS_TEST_MODULE, "--rdbcompression", "yes"});
    Connection c = server.connect();
    c.command({"ROTEST.SET", "mod:small", "1", "short"});
    // Long and repetitive: the module's string field is LZF-compressed in the file.
    c.command({"ROTEST.SET", "mod:big", "2", std::string(200'000, 'm')});
    c.command({"PEXPIRE", "mod:big", std::to_string(kTtlMs)});
    // Ordinary keys after the module values: the parser must have found the end of each one.
    c.command({"SET", "plain", "v"});
    c.command({"HSET", "hash", "a", "1"});
    c.command({"SAVE"});
    json j = audit({"scan-audit", "--rdb", dump_path(server)});
    CHECK(j["keys_scanned"] == c.command({"DBSIZE"}).integer());
    CHECK(j["types"]["module:rotestty1"] == 2);
    CHECK(j["types"]["string"] == 1);
    CHECK(j["types"]["hash"] == 1);
    CHECK(j["no_ttl"]["count"] == 3);  // mod:small, plain, hash
    CHECK(j["rdb"]["checksum_verified"] == true);
    // The big value's size is its serialized (compressed) size: far below its 200 kB.
    bool big_seen = false;
    for (const auto& k : j["top_keys"]) {
        if (k["key"] != "mod:big") continue;
        big_seen = true;
        CHECK(k["type"] == "module:rotestty1");
        CHECK(k["bytes"].get<uint64_t>() < 20'000);
    }
    CHECK(big_seen);
    // Streamed from the server: the same.
    json sync = audit({"-p", std::to_string(server.port()), "scan-audit", "--rdb-sync"});
    CHECK(sync["types"] == j["types"]);
    CHECK(sync["no_ttl"]["count"] == 3);
}

TEST_CASE("--rdb-sync streams the snapshot over replication and audits it like the file") {
    RedisServer server(kCompactConfig);
    load_every_encoding(server);
    std::string port = std::to_string(server.port());
    json file = audit({"scan-audit", "--rdb", dump_path(server), "-n", "0"});
    json sync = audit({"-p", port, "scan-audit", "--rdb-sync", "-n", "0"});
    json live = audit({"-p", port, "scan-audit"});
    check_same_keyspace(sync, live);
    CHECK(sync["keys_scanned"] == file["keys_scanned"]);
    // Without diskless sync the server saves first and announces the payload's length.
    server.connect().command({"CONFIG", "SET", "repl-diskless-sync", "no"});
    json disk = audit({"-p", port, "scan-audit", "--rdb-sync", "-n", "0"});
    CHECK(disk["keys_scanned"] == file["keys_scanned"]);
    CHECK(disk["types"] == file["types"]);
    // The server keeps serving, and nothing of ours is left behind.
    Connection c = server.connect();
    CHECK(c.command({"PING"}).str() == "PONG");
    CHECK(c.command({"INFO", "replication"}).str().find("connected_slaves:0") != std::string::npos);
}

namespace {

int loopback_socket(int port, bool listening) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    auto* sa = reinterpret_cast<sockaddr*>(&a);
    int rc = listening ? ::bind(fd, sa, sizeof a) : ::connect(fd, sa, sizeof a);
    if (rc != 0 || (listening && ::listen(fd, 1) != 0)) throw std::runtime_error("relay socket");
    return fd;
}

void write_all(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w <= 0) return;  // the peer left; the test sees the outcome
        p += w;
        n -= static_cast<size_t>(w);
    }
}

/// Forwards one connection to a real server and flips a byte of the 40-byte $EOF: mark that
/// follows a diskless snapshot, so the snapshot arrives whole and only its framing lies.
class MarkFlippingRelay {
  public:
    explicit MarkFlippingRelay(int server_port)
        : server_port_(server_port), listen_fd_(loopback_socket(0, true)) {
        sockaddr_in a{};
        socklen_t len = sizeof a;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~MarkFlippingRelay() {
        stop_ = true;
        thread_.join();
        ::close(listen_fd_);
    }
    int port() const { return port_; }
    bool flipped() const { return flipped_; }

  private:
    void run() {
        pollfd l{listen_fd_, POLLIN, 0};
        while (!stop_ && ::poll(&l, 1, 100) == 0) {
        }
        if (stop_) return;
        int client = ::accept(listen_fd_, nullptr, nullptr);
        int server = loopback_socket(server_port_, false);
        std::string down, mark;  // server bytes not yet forwarded; the mark once announced
        bool server_open = true;
        while (!stop_) {
            pollfd fds[2] = {{client, POLLIN, 0}, {server, short(server_open ? POLLIN : 0), 0}};
            if (::poll(fds, 2, 100) <= 0) continue;
            char buf[65536];
            if (fds[0].revents) {
                ssize_t n = ::read(client, buf, sizeof buf);
                if (n <= 0) break;
                write_all(server, buf, static_cast<size_t>(n));
            }
            if (!fds[1].revents) continue;
            ssize_t n = ::read(server, buf, sizeof buf);
            if (n <= 0) server_open = false;
            if (n > 0) down.append(buf, static_cast<size_t>(n));
            size_t send = down.size();
            if (mark.empty()) {  // replies and keep-alives go on line by line
                size_t at = down.find("$EOF:");
                size_t nl = down.rfind('\n');
                if (at != std::string::npos && down.find('\n', at) != std::string::npos) {
                    mark = down.substr(at + 5, 40);
                    send = down.find('\n', at) + 1;
                } else {
                    send = nl == std::string::npos ? 0 : nl + 1;
                }
            } else if (!flipped_) {
                size_t at = down.find(mark);
                if (at != std::string::npos) {
                    down[at + 39] ^= 0x01;
                    flipped_ = true;
                } else if (server_open) {
                    send = down.size() > 39 ? down.size() - 39 : 0;  // a mark may straddle
                }
            }
            write_all(client, down.data(), send);
            down.erase(0, send);
            if (!server_open) break;
        }
        ::close(server);
        ::close(client);
    }

    int server_port_;
    int listen_fd_;
    int port_ = 0;
    std::atomic<bool> stop_{false}, flipped_{false};
    std::thread thread_;
};

}  // namespace

TEST_CASE("--rdb-sync checks the $EOF: mark after a diskless snapshot") {
    RedisServer server({"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"});
    Connection c = server.connect();
    for (int i = 0; i < 100; ++i) c.command({"SET", "k" + std::to_string(i), "v"});
    // The honest mark: the audit succeeds.
    json ok = audit({"-p", std::to_string(server.port()), "scan-audit", "--rdb-sync"});
    CHECK(ok["keys_scanned"] == 100);
    // The same snapshot with a mark that is not the one announced: not a success, and the
    // report says it is incomplete.
    MarkFlippingRelay relay(server.port());
    CliResult r = run_cli(
        {"-p", std::to_string(relay.port()), "scan-audit", "--rdb-sync", "--format", "json"});
    INFO("stderr: " << r.err);
    CHECK(relay.flipped());
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("not followed by the $EOF: mark") != std::string::npos);
    CHECK(json::parse(r.out)["complete"] == false);
}

TEST_CASE("--rdb-sync streams over TLS through the same transport as every command") {
    TestCertificates certs;
    TlsRedisServer server(certs);
    Connection c = server.plain().connect();
    for (int i = 0; i < 50; ++i) c.command({"SET", "tls:" + std::to_string(i), "v"});
    json j = audit({"-p", std::to_string(server.tls_port()), "--tls", "--cacert", certs.ca(),
                    "scan-audit", "--rdb-sync"});
    CHECK(j["keys_scanned"] == 50);
    CHECK(j["rdb"]["checksum_verified"] == true);
}

TEST_CASE("--rdb-sync -c streams every master in parallel and merges them") {
    TestCluster cluster(3);
    Client client(cluster.options());
    for (int i = 0; i < 300; ++i) {
        std::string k = "user:" + std::to_string(i) + ":profile";
        client.command_for_key(k, {"SET", k, "v", "EX", "600"});
        std::string h = "cart:" + std::to_string(i);
        client.command_for_key(h, {"HSET", h, "a", "1"});
    }
    std::vector<std::string> args = cluster.cli_args();
    args.push_back("scan-audit");
    std::vector<std::string> sync_args = args;
    sync_args.push_back("--rdb-sync");
    json live = audit(args), sync = audit(sync_args);
    CHECK(sync["keys_scanned"] == 600);
    CHECK(sync["no_ttl"]["count"] == 300);
    CHECK(patterns(sync) == patterns(live));
    REQUIRE(sync["nodes"].size() == 3);
    uint64_t sum = 0;
    for (const auto& n : sync["nodes"]) sum += n["keys_scanned"].get<uint64_t>();
    CHECK(sum == 600);
}

TEST_CASE("flags of a live walk are refused with a snapshot, not silently ignored") {
    RedisServer server;
    server.connect().command({"SET", "k", "v"});
    server.connect().command({"SAVE"});
    for (const std::vector<std::string>& flag :
         {std::vector<std::string>{"--rate", "100"}, {"--count", "50"}, {"--replica"}}) {
        std::vector<std::string> args = {"scan-audit", "--rdb", dump_path(server)};
        args.insert(args.end(), flag.begin(), flag.end());
        CliResult r = run_cli(args);
        INFO(flag[0] << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(flag[0] + " applies to live walks") != std::string::npos);
        CHECK(r.out.empty());
        args = {"scan-audit", "--rdb-sync"};
        args.insert(args.end(), flag.begin(), flag.end());
        CliResult sync = run_cli(server, args);
        CHECK(sync.exit_code == 2);
        CHECK(sync.err.find(flag[0] + " applies to live walks") != std::string::npos);
    }
    // The server was asked for no snapshot: no replica ever attached.
    CHECK(server.connect().command({"INFO", "stats"}).str().find("sync_full:0") !=
          std::string::npos);
}

TEST_CASE("every kind of damaged snapshot exits 2 naming its offset") {
    RedisServer server(kCompactConfig);
    load_every_encoding(server);
    std::string good = read_file(dump_path(server));
    TempDir dir;
    auto exit_and_offset = [&](const std::string& bytes, const std::string& expect) {
        std::string path = dir.path() + "/bad.rdb";
        write_file(path, bytes);
        CliResult r = run_cli({"scan-audit", "--rdb", path});
        INFO("stderr: " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(expect) != std::string::npos);
        CHECK(r.out.empty());
    };
    SUBCASE("truncated") {
        exit_and_offset(good.substr(0, good.size() / 2),
                        fmt::format("truncated at offset {}", good.size() / 2));
    }
    SUBCASE("a bad checksum") {
        std::string bad = good;
        bad[bad.size() - 1] ^= 0x5a;
        exit_and_offset(bad, fmt::format("offset {}: expected the checksum", good.size() - 8));
    }
    SUBCASE("a flipped byte inside the data") {
        std::string bad = good;
        bad[good.size() / 3] ^= 0x01;
        std::string path = dir.path() + "/flip.rdb";
        write_file(path, bad);
        CliResult r = run_cli({"scan-audit", "--rdb", path});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("offset") != std::string::npos);
    }
    SUBCASE("an unknown opcode") {
        using namespace redisops::rdb::test;
        exit_and_offset(rdb_file("\xf0" + str_bytes("k")), "offset 9: expected an opcode");
    }
    SUBCASE("a newer RDB version") {
        std::string bad = good;
        bad.replace(5, 4, "0012");
        exit_and_offset(bad, "RDB version 12");
    }
    SUBCASE("corrupt LZF") {
        using namespace redisops::rdb::test;
        std::string v = "\xc3" + len_bytes(6) + len_bytes(9) +
                        std::string(
                            "\x02"
                            "abc\x80\x07",
                            6);
        exit_and_offset(rdb_file(std::string(1, '\0') + str_bytes("k") + v),
                        "offset 19: expected an LZF back-reference");
    }
    SUBCASE("a corrupt listpack") {
        using namespace redisops::rdb::test;
        std::string lp = listpack({"a", "b"});
        lp[8] = 9;
        exit_and_offset(rdb_file("\x10" + str_bytes("k") + str_bytes(lp)), "offset 12");
    }
    SUBCASE("not a file") { exit_and_offset("", "truncated at offset 0"); }
}
