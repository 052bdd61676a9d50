#include "audit/audit.hpp"

#include <fmt/format.h>

#include <charconv>
#include <deque>
#include <exception>

#include "redis/errors.hpp"
#include "redis/node_walk.hpp"

namespace redisops {

namespace {

using Clock = std::chrono::steady_clock;

struct NodeJob {
    NodeJob(ServerAddress a, const TallyLimits& limits) : address(std::move(a)), walk(limits) {}
    ServerAddress address;
    Connection* master = nullptr;       // owned by the Client
    std::optional<Connection> replica;  // owned here
    std::string connect_error;
    WalkProgress progress;
    WalkResult walk;
    NodeReport report;
    KeysUsage keys_usage;
    std::vector<std::string> notes;
    std::exception_ptr failure;  // an error reply: the audit cannot be trusted
    ServerInfo server;
};

/// Picks the connection to walk: a replica when asked for and one is known, else the master.
Connection& walk_connection(NodeJob& job, const Client& client, bool want_replica) {
    job.report.source = job.report.address;
    if (!want_replica) return *job.master;
    Reply info = job.master->command_unchecked({"INFO", "replication"});
    std::optional<ServerAddress> addr;
    if (!info.is_error()) addr = replica_from_info(info.str());
    if (!addr) {
        job.notes.push_back(fmt::format("--replica: {} has no online replica; read from the master",
                                        job.report.address));
        return *job.master;
    }
    try {
        job.replica.emplace(client.open_connection(*addr));
        // A cluster replica answers keyed reads only after READONLY (otherwise MOVED).
        if (client.options().cluster) job.replica->command_unchecked({"READONLY"});
        job.report.source = addr->display();
        return *job.replica;
    } catch (const ConnectionError& e) {
        job.notes.push_back(fmt::format("--replica: cannot reach {} ({}); read from the master {}",
                                        addr->display(), e.what(), job.report.address));
        job.replica.reset();
        return *job.master;
    }
}

/// --idle: OBJECT IDLETIME, or OBJECT FREQ where an LFU maxmemory-policy keeps counters
/// instead of access times (IDLETIME is refused there).
IdleRead choose_idle_read(NodeJob& job, Connection& conn, bool replica) {
    const std::string& at = job.report.source;
    if (replica && job.replica) {
        job.notes.push_back(
            "--idle on a replica: idle times reflect only the reads served by the replica");
    }
    Reply r = conn.command_unchecked({"CONFIG", "GET", "maxmemory-policy"});
    if (r.is_error() || !r.is_array() || r.size() < 2) {
        job.notes.push_back(fmt::format(
            "--idle: eviction policy unknown on {} (CONFIG GET: {}); read OBJECT IDLETIME", at,
            r.is_error() ? r.error() : "no reply"));
        return IdleRead::IdleTime;
    }
    std::string policy(r[1].str());
    if (policy.find("lfu") == std::string::npos) return IdleRead::IdleTime;
    job.notes.push_back(fmt::format(
        "--idle: {} runs maxmemory-policy {}: read OBJECT FREQ (LFU counters) instead of idle "
        "times; --idle-over does not apply there",
        at, policy));
    return IdleRead::Freq;
}

void run_node(NodeJob& job, const Client& client, const AuditOptions& opts) {
    try {
        if (!job.master) throw ConnectionError(job.connect_error);
        job.keys_usage = inspect_keys_usage(*job.master, job.report.address);
        Reply server = job.master->command_unchecked({"INFO", "server"});
        if (!server.is_error()) job.server = parse_info_server(server.str());
        Connection& conn = walk_connection(job, client, opts.replica);
        Reply info = conn.command({"INFO", "keyspace"});
        job.report.estimate = parse_info_keyspace(info.str(), client.options().db);
        job.progress.expected = job.report.estimate.keys;
        WalkOptions w = opts.walk;
        w.expected_keys = job.report.estimate.keys;
        w.asking = client.options().cluster;
        if (w.idle) w.idle_read = choose_idle_read(job, conn, opts.replica);
        walk_keyspace(conn, w, job.progress, job.walk);
        if (!job.walk.idle_refused.empty()) {
            job.notes.push_back(fmt::format("--idle: {} refused OBJECT {}: {}", job.report.source,
                                            w.idle_read == IdleRead::Freq ? "FREQ" : "IDLETIME",
                                            job.walk.idle_refused));
        }
        if (job.walk.no_touch == false) {
            job.notes.push_back(fmt::format(
                "{} on {}: the element counts of --big-elements refreshed the LRU/LFU of the "
                "keys they counted",
                unavailable_note("CLIENT NO-TOUCH", job.walk.no_touch_error), job.report.source));
        }
    } catch (const ConnectionError& e) {
        job.walk.complete = false;
        if (job.walk.error.empty()) job.walk.error = e.what();
    } catch (...) {
        job.failure = std::current_exception();
    }
    job.progress.done = true;
}

}  // namespace

std::optional<ServerAddress> replica_from_info(std::string_view info) {
    std::optional<ServerAddress> found;
    for_each_line(info, [&](std::string_view line) {
        if (found || !line.starts_with("slave") || line.find(":ip=") == std::string_view::npos)
            return;
        std::string_view fields = line.substr(line.find(':') + 1);
        if (info_field(fields, "state") != "online") return;
        ServerAddress a;
        a.host = info_field(fields, "ip");
        std::string port = info_field(fields, "port");
        std::from_chars(port.data(), port.data() + port.size(), a.port);
        found = a;
    });
    return found;
}

ServerInfo parse_info_server(std::string_view info) {
    ServerInfo s;
    std::string valkey;
    for_each_line(info, [&](std::string_view line) {
        if (line.starts_with("redis_version:")) s.redis_version = line.substr(14);
        if (line.starts_with("valkey_version:")) valkey = line.substr(15);
        if (line.starts_with("run_id:")) s.run_id = line.substr(7);
    });
    s.software = valkey.empty() ? "redis" : "valkey";
    s.version = valkey.empty() ? s.redis_version : valkey;
    return s;
}

AuditReport run_audit(Client& client, const AuditOptions& opts, const AuditTick& tick) {
    auto started = Clock::now();
    AuditReport report(opts);
    std::deque<NodeJob> jobs;  // stable addresses for the threads
    for (MasterLink& link : connect_masters(client)) {
        NodeJob& job = jobs.emplace_back(link.address, opts.limits);
        job.report.address = link.address.display();
        job.master = link.connection;
        job.connect_error = std::move(link.connect_error);
    }
    const Client& shared = client;  // the threads only open new connections through it
    std::function<void()> on_tick;
    if (tick) {
        on_tick = [&] {
            uint64_t done = 0, expected = 0;
            for (const NodeJob& j : jobs) {
                done += j.progress.keys;
                expected += j.progress.expected;
            }
            tick(done, expected);
        };
    }
    // run_node catches everything itself; an error reply is kept in job.failure.
    run_per_node(
        jobs.size(), [&](size_t i) { run_node(jobs[i], shared, opts); }, on_tick);

    report.complete = !jobs.empty();
    for (NodeJob& job : jobs) {
        if (job.failure) std::rethrow_exception(job.failure);
        NodeReport& n = job.report;
        n.complete = job.walk.complete;
        n.error = job.walk.error;
        n.keys_scanned = job.walk.tally.keys;
        n.duplicates = job.walk.duplicates;
        n.vanished = job.walk.vanished;
        n.scan_calls = job.walk.scan_calls;
        n.longest_call = job.walk.longest_call;
        n.duration = job.walk.duration;
        n.server_version = job.server.version;
        n.run_id = job.server.run_id;
        n.keys_command_calls = job.keys_usage.calls;
        if (report.server.version.empty()) report.server = job.server;
        report.complete = report.complete && n.complete;
        report.tally.merge(job.walk.tally);
        n.tally = std::move(job.walk.tally);
        report.keys_usage.merge(job.keys_usage);
        report.estimate.keys += n.estimate.keys;
        report.estimate.expires += n.estimate.expires;
        report.duplicates += n.duplicates;
        report.vanished += n.vanished;
        report.longest_call = std::max(report.longest_call, n.longest_call);
        if (!job.walk.memory_unavailable.empty() && report.bytes_unavailable.empty()) {
            report.bytes_unavailable = job.walk.memory_unavailable;
            job.notes.push_back(unavailable_note("MEMORY USAGE", report.bytes_unavailable) +
                                " (key sizes are unavailable: null, not zero)");
        }
        // What could not be checked for KEYS usage is a note of the whole report too.
        job.notes.insert(job.notes.end(), job.keys_usage.notes.begin(), job.keys_usage.notes.end());
        for (auto& note : job.notes) {
            if (std::find(report.notes.begin(), report.notes.end(), note) == report.notes.end()) {
                report.notes.push_back(std::move(note));
            }
        }
        report.nodes.push_back(std::move(n));
    }
    report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    report.generated_at = std::chrono::system_clock::now();
    report.server.address = client.options().redacted();
    report.server.cluster = client.options().cluster;
    report.server.db = client.options().db;

    return report;
}

}  // namespace redisops
