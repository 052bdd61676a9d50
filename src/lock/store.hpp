// Where a lock lives: one Redis deployment (SingleLockStore), or a quorum of independent
// masters (Redlock, lock/redlock.hpp). `lock` commands and `lock run` talk to this interface.
#pragma once

#include <optional>
#include <string>

#include "lock/lease.hpp"

namespace redisops {

class LockStore {
  public:
    virtual ~LockStore() = default;

    /// Tries at once; when busy and `wait` > 0, retries until `wait` has passed. Throws
    /// ConnectionError when Redis cannot be reached (nothing was acquired).
    virtual AcquireAttempt acquire(const LockKeys& keys, const std::string& token, Millis ttl,
                                   Millis wait, const AcquireTerms& terms) = 0;
    /// Compare-and-pexpire. With a `budget`, the try (connecting included) is bounded by it
    /// and a failure leaves the store ready to try again on a fresh connection; it throws
    /// ConnectionError (or ReplyError) when the outcome could not be decided.
    virtual Ownership extend(const LockKeys& keys, const std::string& token, Millis ttl,
                             std::optional<Millis> budget = std::nullopt) = 0;
    /// Compare-and-delete (waking waiters); the budget as for extend().
    virtual Ownership release(const LockKeys& keys, const std::string& token,
                              std::optional<Millis> budget = std::nullopt) = 0;
    /// Deletes whoever holds the lock; the token removed, nullopt if it was free.
    virtual std::optional<std::string> force_release(const LockKeys& keys) = 0;
};

/// A lock on one deployment (standalone, Sentinel or Cluster) through its Client.
class SingleLockStore : public LockStore {
  public:
    explicit SingleLockStore(Client& client) : client_(client) {}

    AcquireAttempt acquire(const LockKeys& keys, const std::string& token, Millis ttl, Millis wait,
                           const AcquireTerms& terms) override;
    Ownership extend(const LockKeys& keys, const std::string& token, Millis ttl,
                     std::optional<Millis> budget) override;
    Ownership release(const LockKeys& keys, const std::string& token,
                      std::optional<Millis> budget) override;
    std::optional<std::string> force_release(const LockKeys& keys) override;

  private:
    /// The client for budgeted calls: a second one with short timeouts, so that a renewal
    /// never waits on the generous defaults of the main connection.
    Client& bounded(const LockKeys& keys, Millis budget);

    Client& client_;
    std::optional<Client> bounded_;
};

}  // namespace redisops
