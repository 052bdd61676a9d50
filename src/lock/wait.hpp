// Waiting for a busy lock without polling blindly: the release scripts PUBLISH on the lock's
// channel, a second connection SUBSCRIBEd to it wakes the waiter at once, and a slow poll
// covers what publishes nothing (expiry, redis-py's release, a plain DEL).
#pragma once

#include <optional>

#include "lock/lease.hpp"
#include "redis/connection.hpp"

namespace redisops {

/// A subscription to one lock's release channel on its own connection.
class ReleaseNotices {
  public:
    /// Subscribes on a new connection to the node that owns the lock. Throws ConnectionError.
    ReleaseNotices(Client& client, const LockKeys& keys);
    /// Waits up to `timeout` for a release notice and drains every notice already buffered.
    /// True when one came (or the subscription broke, so the caller should look now); false on
    /// timeout. Never spins: it sleeps in poll(2).
    bool wait(Millis timeout);

  private:
    std::optional<Connection> conn_;
};

/// The poll interval used on top of the notices; redis-py's default sleep is the same 100 ms.
inline constexpr Millis kLockPollInterval{100};

/// Tries once; when busy and `wait` > 0 keeps trying on every release notice and at least every
/// kLockPollInterval (or when the holder's TTL runs out, if sooner) until `wait` has passed.
AcquireAttempt acquire_waiting(Client& client, const LockKeys& keys, const std::string& token,
                               Millis ttl, Millis wait, const AcquireTerms& terms);

}  // namespace redisops
