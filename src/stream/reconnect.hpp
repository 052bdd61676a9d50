// The loop that keeps a follower (`stream tail -f`, `pubsub tail`) going across lost
// connections: a lost connection or a transient error reply (a restart's LOADING, a failover's
// READONLY or UNBLOCKED …) is announced, waited out with a doubling backoff and retried; any
// other error ends the run; a stop request (SIGINT, SIGTERM) ends it at once, even mid-wait.
#pragma once

#include <chrono>
#include <functional>
#include <string_view>

#include "stream/stop.hpp"

namespace redisops {

/// The wait before each reconnect: `first`, doubling up to `max`.
struct Backoff {
    std::chrono::milliseconds first{100};
    std::chrono::milliseconds max{2000};
};

class ReconnectLoop {
  public:
    /// Waits `d`, or less when a stop is requested: nap() outside unit tests.
    using Sleep = std::function<void(const StopFlag&, std::chrono::milliseconds d)>;
    /// Called once per loss, before the wait, with the reason and the wait: flush what was
    /// printed, say so on stderr, drop the client's connections.
    using OnLost = std::function<void(std::string_view why, std::chrono::milliseconds wait)>;

    ReconnectLoop(StopFlag& stop, OnLost on_lost, Backoff backoff = {}, Sleep sleep = nap);

    /// Runs `body` until it returns. ConnectionError and transient ReplyErrors are retried
    /// after on_lost and the backoff; other errors propagate. Returns false when a stop was
    /// requested: the error (a socket shut down by the signal) was the stop's doing.
    bool run(const std::function<void()>& body);

    /// The body is through again (resubscribed, read after reconnecting): the next loss waits
    /// `first` again rather than where the last outage left the backoff.
    void connected() { wait_ = backoff_.first; }

  private:
    StopFlag& stop_;
    OnLost on_lost_;
    Backoff backoff_;
    Sleep sleep_;
    std::chrono::milliseconds wait_;
};

}  // namespace redisops
