// The timing of a held lease in `lock run`: when to renew, how long one renewal may take, and
// when the command must be stopped so that it never runs past the TTL Redis enforces; and the
// loop that keeps the lease while the command runs. The loop reaches Redis, time and the
// command only through interfaces (LockStore, MonotonicClock, RunningCommand), so unit tests
// drive it with fakes.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "lock/run.hpp"
#include "util/child.hpp"
#include "util/clock.hpp"

namespace redisops {

struct RenewalTiming {
    std::chrono::milliseconds ttl;
    std::chrono::milliseconds grace;  // between SIGTERM and SIGKILL

    using ms = std::chrono::milliseconds;

    /// Renew at about TTL/3, so two renewals can fail before the lease is in danger.
    ms interval() const { return std::max(ttl / 3, ms(1)); }
    /// Our clock and the server's may run at slightly different rates, and the TTL counts from
    /// when Redis ran the command, which is after we sent it: assume the lease ends this much
    /// earlier (the Redlock spec's drift allowance: 1% of the TTL plus 2 ms).
    ms drift() const { return ttl / 100 + ms(2); }
    /// How long a lease obtained (or renewed) by a command sent at t is safe for, from t.
    ms safe_for() const { return ttl - drift(); }
    /// The budget of one renewal try (connect, or command), so a hung server is noticed well
    /// within the lease.
    ms attempt_timeout() const { return std::clamp(ttl / 10, ms(50), ms(2000)); }
    /// Pause between renewal tries once one has failed.
    ms retry_delay() const { return std::clamp(ttl / 20, ms(10), ms(500)); }
};

/// The default grace period: a quarter of the TTL, at most 5 s.
std::chrono::milliseconds default_grace(std::chrono::milliseconds ttl);
/// Throws UsageError unless the grace leaves room to renew: it must be shorter than TTL/2.
void check_grace(std::chrono::milliseconds ttl, std::chrono::milliseconds grace);

/// Keeps one lease while a command runs: renews it every interval() through the store, and
/// stops the command (RunningCommand::stop) before the lease can end: when a renewal finds it
/// lost, when it cannot be renewed before safe_for() minus the grace, or at --max-hold.
class LeaseKeeper {
  public:
    /// `acquired_at`: when the acquiring command was sent; the lease counts from there.
    LeaseKeeper(LockStore& store, const MonotonicClock& clock, const LockRunPlan& plan,
                const RunNotice& notice, SteadyTime acquired_at);

    /// Runs until the command has exited, then releases the lock. Exited with the command's
    /// status, or Lost (status kExitLockLost) when the command had to be stopped.
    LockRunOutcome supervise(RunningCommand& command);
    /// Compare-and-delete within one renewal budget; a failure is only a notice (the lock
    /// expires on its own).
    void release_quietly();

  private:
    std::optional<SteadyTime> next_wakeup() const;
    void renew(RunningCommand& command);
    void stop(RunningCommand& command, std::string reason, SteadyTime kill_at);

    LockStore& store_;
    const MonotonicClock& clock_;
    const LockRunPlan& plan_;
    const RunNotice& notice_;
    RenewalTiming timing_;
    SteadyTime lease_end_;  // our conservative view of when Redis drops the key
    SteadyTime next_renew_;
    std::optional<SteadyTime> hold_end_;
    bool failing_ = false;
    std::string last_error_ = "no answer";
    bool stopping_ = false;
    std::string lost_reason_;
};

}  // namespace redisops
