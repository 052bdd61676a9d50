#include "cache/fetch.hpp"

#include <algorithm>

#include "cache/entry.hpp"
#include "cache/single_flight.hpp"
#include "cache/xfetch.hpp"
#include "redis/errors.hpp"
#include "util/child.hpp"
#include "util/clock.hpp"
#include "util/exit_codes.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

// The fallback poll of waiters, in case a Pub/Sub message is lost (a reconnect, a failover).
constexpr Millis kWaiterPoll{250};

struct CommandRun {
    int status = 0;
    std::string out;
    Millis elapsed{0};
    std::optional<std::string> exec_error;
    bool lock_lost = false;
    int interrupted_by = 0;  // a signal we got (and passed on) while the command ran
};

/// Runs the command with its stdout captured and its stderr inherited (so it passes through
/// live), renewing the lease until the command has exited.
CommandRun run_holding(FlightLease& lease, const std::vector<std::string>& argv,
                       Millis renew_every) {
    const SteadyClock clock;
    const auto start = clock.now();
    // The command gets a process group of its own, so a signal passed on reaches everything
    // it started (`sh -c 'a | b'`), and the stdout pipe those hold closes at once.
    SupervisedChild child({argv, {}, true, true});
    CommandRun run;
    if (child.exec_error()) {
        run.status = *child.status();
        run.exec_error = *child.exec_error();
        return run;
    }
    // A command may close its stdout some time before it exits: keep the lease meanwhile.
    auto next_renew = start + renew_every;
    std::optional<int> status;
    while (!(status = child.wait_until(next_renew))) {
        if (clock.now() < next_renew) continue;
        if (!run.lock_lost && !lease.extend()) run.lock_lost = true;
        next_renew = clock.now() + renew_every;
    }
    run.status = *status;
    run.out = std::move(child.output());
    run.interrupted_by = child.last_forwarded();
    run.elapsed = std::chrono::duration_cast<Millis>(clock.now() - start);
    return run;
}

FetchResult served(CachedValue cached, FetchSource source) {
    FetchResult r;
    r.source = source;
    r.value = std::move(cached.value);
    r.ttl = cached.ttl;
    r.compute_time = cached.compute_time;
    return r;
}

FetchResult compute(Client& client, const FetchRequest& req, const CacheKeys& keys,
                    FlightLease& lease) {
    Millis renew_every = std::max(req.lock_ttl / 3, Millis(1));
    CommandRun run = run_holding(lease, req.argv, renew_every);
    FetchResult r;
    r.source = FetchSource::Computed;
    r.status = run.status;
    r.compute_time = run.elapsed;
    if (run.interrupted_by != 0) {
        // We were told to stop: free the lock without a failure message, so that waiters
        // take over rather than share an interruption that was ours alone.
        lease.release("");
        if (r.status == 0) r.status = exit_for_signal(run.interrupted_by);
        r.interrupted = true;
        r.error =
            "interrupted by signal " + std::to_string(run.interrupted_by) + "; nothing was cached";
        return r;
    }
    if (run.status != 0) {
        // Nothing is stored; waiters hear why instead of waiting out their --wait.
        lease.release("fail " + std::to_string(run.status));
        r.error = run.exec_error
                      ? *run.exec_error
                      : "the command " + describe_exit_status(run.status) + "; nothing was cached";
        return r;
    }
    CacheWrite write{keys.value, run.out, req.ttl, req.tag_keys, run.elapsed, lease.token(), true};
    try {
        // One script stores value, compute time and tags, releases the lock and notifies.
        bool released = store_value(client, write);
        lease.forget();
        if (!released) run.lock_lost = true;
    } catch (const ConnectionError& e) {
        // The command did its work: its output is still the caller's answer.
        r.warnings.push_back(std::string("the result was not cached: ") + e.what());
    }
    if (run.lock_lost) {
        r.warnings.push_back("the single-flight lock expired while the command ran (" +
                             format_duration(req.lock_ttl) +
                             ", see --lock-ttl): another caller may have run it too");
    }
    r.value = std::move(run.out);
    r.ttl = req.ttl;
    return r;
}

}  // namespace

const char* fetch_source_name(FetchSource s) {
    switch (s) {
        case FetchSource::Hit:
            return "hit";
        case FetchSource::Computed:
            return "computed";
        case FetchSource::Waited:
            return "waited";
    }
    return "hit";
}

std::string describe_exit_status(int status) {
    const int signalled = exit_for_signal(0);
    if (status > signalled) return "was killed by signal " + std::to_string(status - signalled);
    return "exited with status " + std::to_string(status);
}

FetchResult cache_fetch(Client& client, const FetchRequest& req) {
    CacheKeys keys(req.key);
    auto deadline = Clock::now() + req.wait;

    if (auto hit = read_cached(client, keys)) {
        if (!refresh_early(hit->ttl, hit->compute_time, req.beta, uniform_draw())) {
            return served(std::move(*hit), FetchSource::Hit);
        }
        // Early refresh: only the caller that wins the lock recomputes; everyone else (and
        // this caller, if the refresh fails) is served the value, which has not expired yet.
        FlightLease lease(client, keys, req.lock_ttl);
        if (!lease.try_acquire()) return served(std::move(*hit), FetchSource::Hit);
        FetchResult fresh = compute(client, req, keys, lease);
        if (fresh.status == 0 || fresh.interrupted) return fresh;
        FetchResult kept = served(std::move(*hit), FetchSource::Hit);
        kept.warnings.push_back("early refresh failed (" + fresh.error +
                                "); served the cached value, which has not expired yet");
        return kept;
    }

    FlightLease lease(client, keys, req.lock_ttl);
    RedisFlightStore flight(client, keys, lease);
    const SteadyClock clock;
    for (;;) {
        FlightNews news = join_flight(flight, clock, deadline, kWaiterPoll);
        if (news.outcome == FlightOutcome::Lead) {
            // Another caller may have stored the value between our miss and our lock.
            if (auto hit = read_cached(client, keys)) {
                lease.release("");
                return served(std::move(*hit), FetchSource::Hit);
            }
            return compute(client, req, keys, lease);
        }
        if (news.outcome == FlightOutcome::Ready) {
            if (auto value = read_cached(client, keys)) {
                return served(std::move(*value), FetchSource::Waited);
            }
            // Stored and already gone (a tiny TTL, a DEL): start over, unless time is up.
            if (clock.now() < deadline) continue;
        } else if (news.outcome == FlightOutcome::Failed) {
            FetchResult r;
            r.source = FetchSource::Waited;
            r.status = news.status;
            r.error = "the command " + describe_exit_status(news.status) +
                      " on the caller computing " + req.key + "; nothing was cached";
            return r;
        }
        FetchResult r;
        r.source = FetchSource::Waited;
        r.status = kExitNegative;
        r.error = "gave up after " + format_duration(req.wait) +
                  " (--wait) waiting for another caller to compute " + req.key;
        return r;
    }
}

}  // namespace redisops
