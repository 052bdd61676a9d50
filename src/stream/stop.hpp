// Asking a long-running tail to stop from a signal handler. The handler may only do
// async-signal-safe things, and a read blocked in poll() restarts after EINTR, so request()
// also shuts the watched socket down: the blocked read then sees EOF at once.
#pragma once

#include <atomic>
#include <chrono>

namespace redisops {

class StopFlag {
  public:
    /// Async-signal-safe. `signal` is kept for the exit status (128 + signal).
    void request(int signal) noexcept;
    bool requested() const noexcept { return requested_.load(); }
    int signal() const noexcept { return signal_.load(); }
    /// The socket a blocking read waits on now; -1 for none.
    void watch(int fd) noexcept { fd_.store(fd); }
    void unwatch() noexcept { fd_.store(-1); }

  private:
    std::atomic<bool> requested_{false};
    std::atomic<int> signal_{0};
    std::atomic<int> fd_{-1};
};

/// SIGINT and SIGTERM call stop.request() instead of killing the process, so a tail can
/// flush its output and exit 128 + signal by itself. `stop` must outlive the process.
void stop_on_signals(StopFlag& stop);

/// Sleeps for `d`, or less when a stop is requested.
void nap(const StopFlag& stop, std::chrono::milliseconds d);

}  // namespace redisops
