// A command run under supervision, for `lock run` and `cache fetch`. The signals that would
// stop redis-ops are blocked and read from a signalfd, so no work is done in a handler and one
// poll(2) sees signals, the command's exit (SIGCHLD), its captured stdout and the caller's
// timer. Signals are passed on to the command; stop() sends SIGTERM, then SIGKILL once a
// grace period is over. Exit statuses are the shell's (util/exit_codes.hpp).
#pragma once

#include <signal.h>
#include <sys/signalfd.h>

#include <optional>
#include <string>
#include <vector>

#include "util/clock.hpp"
#include "util/process.hpp"

namespace redisops {

/// The signals a supervised command is sent when redis-ops gets them.
inline constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

/// A running command as a supervision loop sees it. SupervisedChild is the real one; unit
/// tests of time-driven loops use a fake that spawns nothing.
class RunningCommand {
  public:
    virtual ~RunningCommand() = default;
    /// Sleeps until the command has exited, a signal came (and was passed on), or `until`
    /// (nullopt: no limit); the command's shell status once it has exited.
    virtual std::optional<int> wait_until(std::optional<SteadyTime> until) = 0;
    /// SIGTERM now, and SIGKILL at `kill_at` if it still runs then (a later call is ignored).
    virtual void stop(SteadyTime kill_at) = 0;
    /// stop() had to use SIGKILL.
    virtual bool killed() const = 0;
};

/// Blocks SIGCHLD and kForwardedSignals and reads them from a signalfd; restores the old mask
/// on destruction. A spawned child gets an empty mask (ChildProcess::spawn).
class SignalInbox {
  public:
    SignalInbox();
    ~SignalInbox();
    SignalInbox(const SignalInbox&) = delete;
    SignalInbox& operator=(const SignalInbox&) = delete;

    int fd() const { return fd_; }
    /// The signals pending now (never blocks).
    std::vector<signalfd_siginfo> drain();

  private:
    sigset_t set_;
    sigset_t old_;
    int fd_ = -1;
};

class SupervisedChild final : public RunningCommand {
  public:
    /// Blocks the signals, then spawns, so that a signal (or the SIGCHLD of a command that
    /// ends at once) right after the fork is not missed. Check exec_error() first.
    explicit SupervisedChild(const SpawnOptions& opts);

    const std::optional<std::string>& exec_error() const { return child_.exec_error(); }
    std::optional<int> status() const { return child_.status(); }

    /// With capture_stdout, returns the status only once stdout is at EOF as well.
    std::optional<int> wait_until(std::optional<SteadyTime> until) override;
    void stop(SteadyTime kill_at) override;
    bool killed() const override { return killed_; }

    /// The last signal passed on to the command (0: none).
    int last_forwarded() const { return last_forwarded_; }
    /// The captured stdout read so far.
    std::string& output() { return output_; }

  private:
    void signal_command(int sig);
    void read_stdout();

    SignalInbox inbox_;  // first: blocked before the fork, restored after the child is reaped
    ChildProcess child_;
    bool own_group_;
    bool stopping_ = false;
    bool killed_ = false;
    SteadyTime kill_at_;
    int last_forwarded_ = 0;
    std::string output_;
};

}  // namespace redisops
