#include "expire/expire.hpp"

#include <fmt/format.h>

#include <deque>
#include <limits>

#include "expire/node_expire.hpp"
#include "redis/errors.hpp"
#include "redis/node_walk.hpp"
#include "stream/stop.hpp"

namespace redisops {

void ExpireCounts::add(const ExpireCounts& o) {
    scanned += o.scanned;
    excluded += o.excluded;
    vanished += o.vanished;
    matched += o.matched;
    changed += o.changed;
    would_change += o.would_change;
    skipped_had_ttl += o.skipped_had_ttl;
    skipped_changed_meanwhile += o.skipped_changed_meanwhile;
    skipped_not_idle += o.skipped_not_idle;
    skipped_over_limit += o.skipped_over_limit;
    duplicates += o.duplicates;
    redirected += o.redirected;
}

namespace {

using Clock = std::chrono::steady_clock;

struct NodeJob {
    NodeJob(MasterLink l, size_t max_patterns) : link(std::move(l)), result(max_patterns) {}
    MasterLink link;
    ExpireProgress progress;
    NodeExpireResult result;
    std::exception_ptr failure;
};

/// --idle-over reads OBJECT IDLETIME, which an LFU policy does not keep: refuse before any
/// change. When CONFIG is not allowed the policy is unknown; the walk then proceeds, and the
/// first IDLETIME reply tells (an LFU server answers it with an error, also refused).
void check_idle_policy(std::deque<NodeJob>& jobs, std::vector<std::string>& notes) {
    for (NodeJob& job : jobs) {
        if (!job.link.connection) continue;
        Reply r = job.link.connection->command_unchecked({"CONFIG", "GET", "maxmemory-policy"});
        if (r.is_error() || !r.is_array() || r.size() < 2) {
            notes.push_back(fmt::format(
                "--idle-over: the maxmemory-policy of {} is unknown (CONFIG GET: {}); going on "
                "as long as OBJECT IDLETIME answers",
                job.link.address.display(), r.is_error() ? r.error() : "no reply"));
            continue;
        }
        std::string policy(r[1].str());
        if (policy.find("lfu") != std::string::npos) {
            throw UsageError(fmt::format(
                "--idle-over: {} runs maxmemory-policy {}, an LFU policy that keeps access "
                "frequencies, not idle times (OBJECT IDLETIME is refused); nothing was changed",
                job.link.address.display(), policy));
        }
    }
}

std::vector<ExpirePattern> merge_patterns(const NoTtlPatterns& selected,
                                          const NoTtlPatterns& changed, bool bytes_known) {
    std::map<std::string, uint64_t> changed_by;
    for (const auto& p : changed.sorted()) changed_by[p.pattern] += p.keys;
    changed_by["other"] += changed.other().keys;
    std::vector<ExpirePattern> out;
    auto push = [&](const PatternCount& p) {
        ExpirePattern e{p.pattern, p.keys, std::nullopt, changed_by[p.pattern]};
        if (bytes_known) e.bytes = p.bytes;
        out.push_back(std::move(e));
    };
    for (const auto& p : selected.sorted()) push(p);
    if (selected.other().keys > 0) push(selected.other());
    return out;
}

}  // namespace

ExpireReport run_expire(Client& client, const ExpireOptions& opts, const StopFlag& stop,
                        const ExpireTick& tick) {
    auto started = Clock::now();
    ExpireReport report;
    report.dry_run = opts.dry_run;
    std::deque<NodeJob> jobs;  // stable addresses for the threads
    for (MasterLink& link : connect_masters(client)) jobs.emplace_back(link, opts.max_patterns);
    if (opts.idle_over) check_idle_policy(jobs, report.notes);

    ExpireShared shared;
    shared.stop = &stop;
    shared.budget = opts.limit ? static_cast<long long>(*opts.limit)
                               : std::numeric_limits<long long>::max() / 2;
    const Client& threads_client = client;  // the threads only open new connections through it
    auto job = [&](size_t i) {
        NodeJob& j = jobs[i];
        try {
            if (!j.link.connection) throw ConnectionError(j.link.connect_error);
            NodeExpire(*j.link.connection, threads_client, opts, shared, j.progress, j.result)
                .run();
        } catch (const ConnectionError& e) {
            j.result.error = e.what();
        } catch (const std::exception& e) {
            j.result.error = e.what();
            j.failure = std::current_exception();
        }
        j.progress.done = true;
    };
    std::function<void()> on_tick;
    if (tick) {
        on_tick = [&] {
            uint64_t scanned = 0, changed = 0;
            double fraction = 0;
            for (const NodeJob& j : jobs) {
                scanned += j.progress.scanned;
                changed += j.progress.changed;
                fraction += j.progress.done ? 1.0 : j.progress.fraction.load();
            }
            tick(scanned, changed, jobs.empty() ? 1 : fraction / static_cast<double>(jobs.size()));
        };
    }
    run_per_node(jobs.size(), job, on_tick);

    NoTtlPatterns selected(opts.max_patterns), changed(opts.max_patterns);
    bool bytes_denied = false;
    report.complete = !jobs.empty();
    for (NodeJob& j : jobs) {
        ExpireNodeReport n{j.link.address.display(), j.result.complete, j.result.error,
                           j.result.counts};
        report.complete = report.complete && n.complete;
        report.counts.add(n.counts);
        selected.merge(j.result.selected);
        changed.merge(j.result.changed);
        bytes_denied = bytes_denied || j.result.bytes_denied;
        if (j.failure && !report.failure) report.failure = j.failure;
        report.nodes.push_back(std::move(n));
    }
    report.limit_reached = shared.limit_reached.load() && opts.limit.has_value();
    report.interrupted = stop.requested();
    report.bytes_known = opts.dry_run && !bytes_denied;
    if (opts.dry_run && bytes_denied) {
        report.notes.push_back("MEMORY USAGE was refused (ACL or server): bytes are null");
    }
    report.patterns = merge_patterns(selected, changed, report.bytes_known);
    report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return report;
}

}  // namespace redisops
