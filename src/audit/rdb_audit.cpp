#include "audit/rdb_audit.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "rdb/parser.hpp"
#include "rdb/sync.hpp"
#include "redis/errors.hpp"
#include "util/pattern.hpp"

namespace redisops {

namespace {

using Clock = std::chrono::steady_clock;

// Per key in memory beyond its value: the keyspace's hash-table entry and bucket, the key's
// sds string, and an entry in the expires table when it has a TTL.
constexpr uint64_t kKeyEntry = 32;
constexpr uint64_t kExpireEntry = 32;

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Feeds each key of a snapshot to a tally, as walk.cpp does for a live keyspace.
class TallyVisitor : public rdb::RdbVisitor {
  public:
    TallyVisitor(const RdbAuditOptions& o, KeyspaceTally& tally, RdbFacts& facts,
                 KeyspaceEstimate& estimate)
        : o_(o), w_(o.audit.walk), tally_(tally), facts_(facts), estimate_(estimate) {
        facts_.snapshot_time_ms = wall_ms();
    }

    std::atomic<uint64_t> keys{0};
    std::atomic<uint64_t> expected{0};  // RESIZEDB's counts, for progress

    void on_snapshot_time(int64_t unix_s) override { facts_.snapshot_time_ms = unix_s * 1000; }

    void on_db_size(uint64_t db, uint64_t n, uint64_t expires) override {
        if (o_.db && db != *o_.db) return;
        RdbDbFacts& d = facts_.dbs[db];
        d.resize_keys += n;
        d.resize_expires += expires;
        estimate_.keys += n;
        estimate_.expires += expires;
        expected.fetch_add(n, std::memory_order_relaxed);
    }

    void on_key(const rdb::RdbKey& k) override {
        if (o_.db && k.db != *o_.db) return;
        if (!w_.match.empty() && !glob_match(w_.match, k.key)) return;
        if (!w_.type.empty() && k.value.type != w_.type) return;
        if (db_ == nullptr || db_number_ != k.db) {
            db_ = &facts_.dbs[k.db];
            db_number_ = k.db;
        }
        if (k.expire_ms && *k.expire_ms <= facts_.snapshot_time_ms) {
            // Gone for any client already; Redis drops them when it loads the file.
            ++facts_.expired_keys;
            facts_.expired_bytes += k.bytes;
            ++db_->expired;
            return;
        }
        long long pttl = k.expire_ms ? *k.expire_ms - facts_.snapshot_time_ms : -1;
        KeyFacts f{k.key, k.value.type, pttl, k.bytes, k.value.elements, {}, {}};
        if (w_.idle) {
            // The snapshot's IDLE (LRU policies) or FREQ (LFU) opcodes, as of its save.
            f.idle_s = k.idle_s;
            if (k.freq) f.freq = *k.freq;
        }
        tally_.add(f, ignored(k.key));
        uint64_t est = k.value.est_memory_bytes + kKeyEntry + k.key.size() + 4 +
                       (k.expire_ms ? kExpireEntry : 0);
        facts_.est_memory_bytes += est;
        ++db_->keys;
        db_->no_ttl += pttl < 0 ? 1 : 0;
        db_->bytes += k.bytes;
        db_->est_memory_bytes += est;
        if (k.idle_s) {
            ++facts_.keys_with_idle;
            facts_.idle_max_s = std::max(facts_.idle_max_s, *k.idle_s);
        }
        if (k.freq) ++facts_.keys_with_freq;
        keys.store(tally_.keys, std::memory_order_relaxed);
    }

  private:
    bool ignored(std::string_view key) const {
        return std::any_of(w_.ignore.begin(), w_.ignore.end(),
                           [&](const std::string& g) { return glob_match(g, key); });
    }
    const RdbAuditOptions& o_;
    const WalkOptions& w_;
    KeyspaceTally& tally_;
    RdbFacts& facts_;
    KeyspaceEstimate& estimate_;
    RdbDbFacts* db_ = nullptr;  // std::map nodes stay put
    uint64_t db_number_ = 0;
};

/// One snapshot being audited (a file, or one master's stream), on a thread of its own.
struct SnapshotJob {
    SnapshotJob(std::string addr, const RdbAuditOptions& o)
        : tally(o.audit.limits), visitor(o, tally, facts, estimate) {
        report.address = report.source = std::move(addr);
    }
    KeyspaceTally tally;
    RdbFacts facts;
    KeyspaceEstimate estimate;
    TallyVisitor visitor;
    NodeReport report;
    KeysUsage keys_usage;
    Connection* conn = nullptr;
    std::string connect_error;
    std::atomic<bool> done{false};
    std::exception_ptr failure;  // damaged data or an error reply: nothing to report
};

void record(SnapshotJob& job, const rdb::RdbSummary& s) {
    job.facts.version = s.version;
    job.facts.redis_version = s.redis_version;
    job.facts.checksum_verified = s.checksum_present;
    job.facts.snapshot_bytes = s.bytes;
    job.facts.functions = s.functions;
    job.facts.module_aux = s.module_aux;
    job.report.complete = true;
}

/// Runs every job's `work` on its own thread, ticking from this one, then merges the jobs into
/// one report the way run_audit() merges nodes.
template <class Work>
AuditReport run_jobs(std::deque<SnapshotJob>& jobs, const RdbAuditOptions& o, const AuditTick& tick,
                     Work work) {
    auto started = Clock::now();
    AuditReport report(o.audit);
    std::vector<std::thread> threads;
    threads.reserve(jobs.size());
    for (SnapshotJob& job : jobs) {
        threads.emplace_back([&job, &work] {
            auto t0 = Clock::now();
            try {
                work(job);
            } catch (const ConnectionError& e) {
                job.report.complete = false;
                job.report.error = e.what();
            } catch (...) {
                job.failure = std::current_exception();
            }
            job.report.duration =
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
            job.done = true;
        });
    }
    auto all_done = [&] {
        return std::all_of(jobs.begin(), jobs.end(),
                           [](const SnapshotJob& j) { return j.done.load(); });
    };
    while (!all_done()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(tick ? 250 : 5));
        if (!tick) continue;
        uint64_t done = 0, expected = 0;
        for (const SnapshotJob& j : jobs) {
            done += j.visitor.keys.load(std::memory_order_relaxed);
            expected += j.visitor.expected.load(std::memory_order_relaxed);
        }
        tick(done, expected);
    }
    for (auto& t : threads) t.join();

    report.complete = !jobs.empty();
    RdbFacts& merged = report.rdb.emplace();
    for (SnapshotJob& job : jobs) {
        if (job.failure) std::rethrow_exception(job.failure);
        NodeReport& n = job.report;
        n.keys_scanned = job.tally.keys;
        n.estimate = job.estimate;
        report.complete = report.complete && n.complete;
        report.tally.merge(job.tally);
        n.tally = std::move(job.tally);  // this node's share, for the per-node report
        report.keys_usage.merge(job.keys_usage);
        report.estimate.keys += job.estimate.keys;
        report.estimate.expires += job.estimate.expires;
        const RdbFacts& f = job.facts;
        if (merged.version == 0) {
            merged.version = f.version;
            merged.redis_version = f.redis_version;
            merged.snapshot_time_ms = f.snapshot_time_ms;
            merged.checksum_verified = f.checksum_verified;
        }
        merged.checksum_verified = merged.checksum_verified && f.checksum_verified;
        merged.snapshot_bytes += f.snapshot_bytes;
        merged.est_memory_bytes += f.est_memory_bytes;
        merged.expired_keys += f.expired_keys;
        merged.expired_bytes += f.expired_bytes;
        merged.keys_with_idle += f.keys_with_idle;
        merged.idle_max_s = std::max(merged.idle_max_s, f.idle_max_s);
        merged.keys_with_freq += f.keys_with_freq;
        merged.functions += f.functions;
        merged.module_aux += f.module_aux;
        for (const auto& [db, d] : f.dbs) {
            RdbDbFacts& m = merged.dbs[db];
            m.keys += d.keys;
            m.no_ttl += d.no_ttl;
            m.expired += d.expired;
            m.bytes += d.bytes;
            m.est_memory_bytes += d.est_memory_bytes;
            m.resize_keys += d.resize_keys;
            m.resize_expires += d.resize_expires;
        }
        report.nodes.push_back(std::move(n));
    }
    report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return report;
}

/// The descriptor of a snapshot file, closed on scope exit (stdin is left open).
struct InputFile {
    explicit InputFile(const std::string& path) {
        if (path == "-") {
            fd = 0;
            return;
        }
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw UsageError(fmt::format("--rdb: cannot open {}: {}", path, std::strerror(errno)));
#ifdef POSIX_FADV_SEQUENTIAL
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
    ~InputFile() {
        if (fd > 0) ::close(fd);
    }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;
    int fd = -1;
};

}  // namespace

AuditReport run_rdb_file_audit(const std::string& path, const RdbAuditOptions& o,
                               const AuditTick& tick) {
    InputFile file(path);
    std::string name = path == "-" ? "stdin" : path;
    std::deque<SnapshotJob> jobs;
    jobs.emplace_back(name, o);
    AuditReport report = run_jobs(jobs, o, tick, [&](SnapshotJob& job) {
        rdb::FdSource src(file.fd, name);
        record(job, rdb::parse_rdb(src, job.visitor));
    });
    report.notes.push_back(
        "read from an RDB snapshot: no server was asked, so KEYS usage was not checked");
    return report;
}

AuditReport run_rdb_sync_audit(Client& client, const RdbAuditOptions& o, const AuditTick& tick) {
    std::deque<SnapshotJob> jobs;
    for (const ServerAddress& addr : client.masters()) {
        SnapshotJob& job = jobs.emplace_back(addr.display(), o);
        // Opened here, one after the other: the Client is not shared between threads.
        try {
            job.conn = &client.connection_to(addr);
        } catch (const ConnectionError& e) {
            job.connect_error = e.what();
        }
    }
    std::vector<std::string> notes;
    std::mutex notes_mutex;
    AuditReport report = run_jobs(jobs, o, tick, [&](SnapshotJob& job) {
        if (!job.conn) throw ConnectionError(job.connect_error);
        job.keys_usage = inspect_keys_usage(*job.conn, job.report.address);
        rdb::ReplicationSource src(*job.conn);
        if (!src.rdb_only()) {
            std::lock_guard lock(notes_mutex);
            notes.push_back(
                fmt::format("{} has no REPLCONF rdb-only (Redis < 7.0): its "
                            "replication stream was cut after the snapshot",
                            job.report.address));
        }
        record(job, rdb::parse_rdb(src, job.visitor, size_t{256} << 10));
    });
    // The replication connections are spent: the next command must reconnect.
    client.reset();
    for (auto& n : notes) report.notes.push_back(std::move(n));
    return report;
}

}  // namespace redisops
