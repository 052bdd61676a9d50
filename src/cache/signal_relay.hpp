// While `cache fetch` runs its command: SIGINT, SIGTERM, SIGHUP and SIGQUIT are blocked and
// read from a signalfd, so the fetch loop sees them in its poll(2) with nothing done in a
// handler. The command runs in a process group of its own, and each signal is passed on to
// that whole group, so a `sh -c 'a | b'` stops with everything it started (and the stdout
// pipe those hold closes at once).
#pragma once

#include <signal.h>

#include "util/process.hpp"

namespace redisops {

class SignalRelay {
  public:
    SignalRelay();
    ~SignalRelay();
    SignalRelay(const SignalRelay&) = delete;
    SignalRelay& operator=(const SignalRelay&) = delete;

    int fd() const { return fd_; }
    /// Reads the pending signals, passes them on to `child`'s process group, and returns the
    /// last one's number (0 when none was pending).
    int relay(const ChildProcess& child);

  private:
    sigset_t set_;
    sigset_t old_;
    int fd_ = -1;
};

}  // namespace redisops
