#include "lock/run.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "lock/renewal.hpp"
#include "redis/errors.hpp"
#include "util/process.hpp"
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

namespace {

using TimePoint = Clock::time_point;

/// Blocks the signals `lock run` handles and reads them from a signalfd, so the handlers do no
/// work at all and the main loop sees signals and timers in one poll(2). The child gets an
/// empty mask back from ChildProcess::spawn. Restores the old mask on destruction.
class SignalInbox {
  public:
    SignalInbox() {
        sigemptyset(&set_);
        for (int sig : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&set_, sig);
        if (::sigprocmask(SIG_BLOCK, &set_, &old_) != 0) throw std::runtime_error("sigprocmask");
        fd_ = ::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK);
        if (fd_ < 0) {
            ::sigprocmask(SIG_SETMASK, &old_, nullptr);
            throw std::runtime_error("signalfd failed");
        }
    }
    ~SignalInbox() {
        ::close(fd_);
        ::sigprocmask(SIG_SETMASK, &old_, nullptr);
    }
    SignalInbox(const SignalInbox&) = delete;
    SignalInbox& operator=(const SignalInbox&) = delete;

    /// Waits until a signal is pending or `until` (nullopt: no limit); returns the signals read.
    std::vector<signalfd_siginfo> wait(std::optional<TimePoint> until) {
        int timeout = -1;
        if (until) {
            auto left = std::chrono::ceil<Millis>(*until - Clock::now()).count();
            timeout = static_cast<int>(std::clamp<long long>(left, 0, 60000));
        }
        pollfd p{fd_, POLLIN, 0};
        ::poll(&p, 1, timeout);
        std::vector<signalfd_siginfo> got;
        signalfd_siginfo info;
        while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
            got.push_back(info);
        }
        return got;
    }

  private:
    sigset_t set_, old_;
    int fd_ = -1;
};

/// The lease and the command, from spawn to the end.
class LeaseKeeper {
  public:
    LeaseKeeper(LockStore& store, const LockRunPlan& plan, const RunNotice& notice,
                const AcquireAttempt& acquired)
        : store_(store),
          plan_(plan),
          notice_(notice),
          timing_{plan.ttl, plan.grace},
          lease_end_(acquired.sent_at + timing_.safe_for()),
          next_renew_(acquired.sent_at + timing_.interval()) {
        if (plan.max_hold) hold_end_ = acquired.sent_at + *plan.max_hold;
    }

    /// Runs the loop until the child is gone; fills the outcome.
    LockRunOutcome supervise(ChildProcess& child, SignalInbox& inbox) {
        child_ = &child;
        for (;;) {
            for (const auto& info : inbox.wait(next_wakeup())) {
                int sig = static_cast<int>(info.ssi_signo);
                // A Ctrl-C from the terminal (SI_KERNEL) already reached a command that shares
                // our foreground group; passing it on would deliver it twice.
                bool from_tty = info.ssi_code == SI_KERNEL && !plan_.own_process_group;
                if (sig != SIGCHLD && !from_tty) signal_child(sig);
            }
            if (child.try_wait()) break;
            const auto now = Clock::now();
            if (stopping_) {
                if (!killed_ && now >= kill_at_) {
                    signal_child(SIGKILL);
                    killed_ = true;
                }
                continue;
            }
            if (hold_end_ && now >= *hold_end_) {
                stop("held for the --max-hold limit of " + format_duration(*plan_.max_hold),
                     std::min(now + plan_.grace, lease_end_));
            } else if (now >= next_renew_) {
                renew();
            }
            if (!stopping_ && Clock::now() >= lease_end_ - plan_.grace) {
                stop("could not be renewed before its TTL ran out (" + last_error_ + ")",
                     lease_end_);
            }
        }
        LockRunOutcome out;
        if (stopping_) {
            // Stragglers in the group (a pipeline's other members) must not outlive the lease.
            if (plan_.own_process_group) ::kill(-child.pid(), SIGKILL);
            out.end = RunEnd::Lost;
            out.status = 5;
            out.message = "lock '" + plan_.keys.name + "' " + lost_reason_ +
                          "; stopped the command (" + (killed_ ? "SIGKILL" : "SIGTERM") + ")";
        } else {
            out.end = RunEnd::Exited;
            out.status = *child.status();
        }
        // Compare-and-delete even after a loss: it never touches a new owner's lock, and on a
        // Redlock quorum it clears the instances where ours survived.
        release_quietly();
        return out;
    }

    void release_quietly() {
        try {
            store_.release(plan_.keys, plan_.token, timing_.attempt_timeout());
        } catch (const Error& e) {
            notice_("could not release lock '" + plan_.keys.name + "' (" + e.what() +
                    "); it expires within " + format_duration(plan_.ttl));
        }
    }

  private:
    std::optional<TimePoint> next_wakeup() const {
        if (stopping_) return killed_ ? std::nullopt : std::optional(kill_at_);
        TimePoint t = std::min(next_renew_, lease_end_ - plan_.grace);
        if (hold_end_) t = std::min(t, *hold_end_);
        return t;
    }

    void signal_child(int sig) {
        if (child_->status()) return;
        ::kill(plan_.own_process_group ? -child_->pid() : child_->pid(), sig);
    }

    void renew() {
        const auto now = Clock::now();
        // Leave time to stop the command: a try may not run past the SIGTERM point.
        auto room = std::chrono::duration_cast<Millis>(lease_end_ - plan_.grace - now);
        Millis budget = std::min(timing_.attempt_timeout(), room / 2);
        if (budget.count() < 1) {
            stop("could not be renewed before its TTL ran out (" + last_error_ + ")", lease_end_);
            return;
        }
        try {
            // A short budget of its own: a renewal that hangs must fail while the lease runs.
            const auto sent = Clock::now();
            Ownership o = store_.extend(plan_.keys, plan_.token, plan_.ttl, budget);
            if (o == Ownership::Owned) {
                lease_end_ = sent + timing_.safe_for();
                next_renew_ = sent + timing_.interval();
                if (failing_) notice_("renewing lock '" + plan_.keys.name + "' works again");
                failing_ = false;
                return;
            }
            stop(o == Ownership::Missing ? "was lost: it expired or was deleted"
                                         : "was lost: it is now held under another token",
                 Clock::now() + plan_.grace);
        } catch (const Error& e) {
            // ConnectionError (down, timeout) or an error reply (READONLY during a failover,
            // LOADING): retry on a fresh connection until the lease is in danger.
            last_error_ = e.what();
            if (!failing_) {
                notice_("renewing lock '" + plan_.keys.name + "' failed (" + last_error_ +
                        "); retrying");
            }
            failing_ = true;
            next_renew_ = Clock::now() + timing_.retry_delay();
        }
    }

    void stop(std::string reason, TimePoint kill_at) {
        lost_reason_ = std::move(reason);
        stopping_ = true;
        kill_at_ = kill_at;
        signal_child(SIGTERM);
    }

    LockStore& store_;
    const LockRunPlan& plan_;
    const RunNotice& notice_;
    RenewalTiming timing_;
    ChildProcess* child_ = nullptr;
    TimePoint lease_end_;  // our conservative view of when Redis drops the key
    TimePoint next_renew_;
    std::optional<TimePoint> hold_end_;
    bool failing_ = false;
    std::string last_error_ = "no answer";
    bool stopping_ = false;
    bool killed_ = false;
    TimePoint kill_at_;
    std::string lost_reason_;
};

}  // namespace

LockRunOutcome run_locked(LockStore& store, const LockRunPlan& plan, const RunNotice& notice) {
    if (plan.argv.empty()) throw UsageError("lock run: no command given after --");
    require_positive(plan.ttl, "--ttl");
    check_grace(plan.ttl, plan.grace);

    AcquireAttempt acquired = store.acquire(plan.keys, plan.token, plan.ttl, plan.wait);
    if (!acquired.acquired) {
        LockRunOutcome busy;
        busy.holder_ttl = acquired.holder_ttl;
        return busy;
    }
    LeaseKeeper keeper(store, plan, notice, acquired);
    // Blocked before fork so a SIGCHLD from a command that ends at once is not missed.
    SignalInbox inbox;
    SpawnOptions spawn;
    spawn.argv = plan.argv;
    spawn.env = {{"REDIS_OPS_LOCK_TOKEN", plan.token},
                 {"REDIS_OPS_FENCING_TOKEN", std::to_string(acquired.fence)}};
    spawn.new_process_group = plan.own_process_group;
    std::optional<ChildProcess> child;
    try {
        child.emplace(ChildProcess::spawn(spawn));
    } catch (...) {
        keeper.release_quietly();
        throw;
    }
    if (child->exec_error()) {
        keeper.release_quietly();
        LockRunOutcome failed;
        failed.end = RunEnd::ExecFailed;
        failed.status = *child->status();
        failed.fence = acquired.fence;
        failed.message = *child->exec_error();
        return failed;
    }
    LockRunOutcome out = keeper.supervise(*child, inbox);
    out.fence = acquired.fence;
    return out;
}

}  // namespace redisops
