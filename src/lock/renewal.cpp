#include "lock/renewal.hpp"

#include "redis/errors.hpp"
#include "util/exit_codes.hpp"
#include "util/units.hpp"

namespace redisops {

Millis default_grace(Millis ttl) { return std::min(ttl / 4, Millis(5000)); }

void check_grace(Millis ttl, Millis grace) {
    if (grace >= ttl / 2) {
        throw UsageError("--grace: " + format_duration(grace) +
                         " leaves no time to renew; it must be shorter than half the TTL (" +
                         format_duration(ttl / 2) + ")");
    }
}

LeaseKeeper::LeaseKeeper(LockStore& store, const MonotonicClock& clock, const LockRunPlan& plan,
                         const RunNotice& notice, SteadyTime acquired_at)
    : store_(store),
      clock_(clock),
      plan_(plan),
      notice_(notice),
      timing_{plan.ttl, plan.grace},
      lease_end_(acquired_at + timing_.safe_for()),
      next_renew_(acquired_at + timing_.interval()) {
    if (plan.max_hold) hold_end_ = acquired_at + *plan.max_hold;
}

LockRunOutcome LeaseKeeper::supervise(RunningCommand& command) {
    std::optional<int> status;
    while (!(status = command.wait_until(next_wakeup()))) {
        // Once stopping, the command escalates to SIGKILL on its own; we only wait.
        if (stopping_) continue;
        const auto now = clock_.now();
        if (hold_end_ && now >= *hold_end_) {
            stop(command, "held for the --max-hold limit of " + format_duration(*plan_.max_hold),
                 std::min(now + plan_.grace, lease_end_));
        } else if (now >= next_renew_) {
            renew(command);
        }
        if (!stopping_ && clock_.now() >= lease_end_ - plan_.grace) {
            stop(command, "could not be renewed before its TTL ran out (" + last_error_ + ")",
                 lease_end_);
        }
    }
    LockRunOutcome out;
    if (stopping_) {
        out.end = RunEnd::Lost;
        out.status = kExitLockLost;
        out.message = "lock '" + plan_.keys.name + "' " + lost_reason_ + "; stopped the command (" +
                      (command.killed() ? "SIGKILL" : "SIGTERM") + ")";
    } else {
        out.end = RunEnd::Exited;
        out.status = *status;
    }
    // Compare-and-delete even after a loss: it never touches a new owner's lock, and on a
    // Redlock quorum it clears the instances where ours survived.
    release_quietly();
    return out;
}

void LeaseKeeper::release_quietly() {
    try {
        store_.release(plan_.keys, plan_.token, timing_.attempt_timeout());
    } catch (const Error& e) {
        notice_("could not release lock '" + plan_.keys.name + "' (" + e.what() +
                "); it expires within " + format_duration(plan_.ttl));
    }
}

std::optional<SteadyTime> LeaseKeeper::next_wakeup() const {
    if (stopping_) return std::nullopt;
    SteadyTime t = std::min(next_renew_, lease_end_ - plan_.grace);
    if (hold_end_) t = std::min(t, *hold_end_);
    return t;
}

void LeaseKeeper::renew(RunningCommand& command) {
    const auto now = clock_.now();
    // Leave time to stop the command: a try may not run past the SIGTERM point.
    auto room = std::chrono::duration_cast<Millis>(lease_end_ - plan_.grace - now);
    Millis budget = std::min(timing_.attempt_timeout(), room / 2);
    if (budget.count() < 1) {
        stop(command, "could not be renewed before its TTL ran out (" + last_error_ + ")",
             lease_end_);
        return;
    }
    try {
        // A short budget of its own: a renewal that hangs must fail while the lease runs.
        const auto sent = clock_.now();
        Ownership o = store_.extend(plan_.keys, plan_.token, plan_.ttl, budget);
        if (o == Ownership::Owned) {
            lease_end_ = sent + timing_.safe_for();
            next_renew_ = sent + timing_.interval();
            if (failing_) notice_("renewing lock '" + plan_.keys.name + "' works again");
            failing_ = false;
            return;
        }
        stop(command,
             o == Ownership::Missing ? "was lost: it expired or was deleted"
                                     : "was lost: it is now held under another token",
             clock_.now() + plan_.grace);
    } catch (const Error& e) {
        // ConnectionError (down, timeout) or an error reply (READONLY during a failover,
        // LOADING): retry on a fresh connection until the lease is in danger.
        last_error_ = e.what();
        if (!failing_) {
            notice_("renewing lock '" + plan_.keys.name + "' failed (" + last_error_ +
                    "); retrying");
        }
        failing_ = true;
        next_renew_ = clock_.now() + timing_.retry_delay();
    }
}

void LeaseKeeper::stop(RunningCommand& command, std::string reason, SteadyTime kill_at) {
    lost_reason_ = std::move(reason);
    stopping_ = true;
    command.stop(kill_at);
}

}  // namespace redisops
