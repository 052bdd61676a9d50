// Redlock: one lock held on a majority of N independent Redis masters, after the algorithm in
// https://redis.io/docs/manual/patterns/distributed-locks/. Each instance runs the same
// scripts as a single lock; a grant counts only when a quorum (N/2+1) said yes and the time
// spent asking left some validity: TTL - elapsed - drift > 0.
#pragma once

#include <vector>

#include "lock/store.hpp"
#include "redis/options.hpp"

namespace redisops {

class Redlock : public LockStore {
  public:
    /// One connection per instance; every call to one instance is bounded by `per_instance`
    /// (the spec: small against the TTL, so a dead master costs little).
    Redlock(const std::vector<ConnectionOptions>& instances, Millis per_instance);

    size_t size() const { return clients_.size(); }
    size_t quorum() const { return clients_.size() / 2 + 1; }

    /// On a grant, `fence` is the highest of the granting instances' counters, and the others
    /// among them are raised to it, so the next quorum (which shares at least one instance
    /// with this one) draws a higher one. Throws ConnectionError when too few instances
    /// answered to decide.
    AcquireAttempt acquire(const LockKeys& keys, const std::string& token, Millis ttl, Millis wait,
                           const AcquireTerms& terms) override;
    /// Owned only when a quorum extended it within the TTL.
    Ownership extend(const LockKeys& keys, const std::string& token, Millis ttl,
                     std::optional<Millis> budget) override;
    /// Releases on every instance (also those that may have missed the grant); Owned when any
    /// instance held it under this token.
    Ownership release(const LockKeys& keys, const std::string& token,
                      std::optional<Millis> budget) override;
    std::optional<std::string> force_release(const LockKeys& keys) override;

  private:
    AcquireAttempt try_once(const LockKeys& keys, const std::string& token, Millis ttl,
                            const AcquireTerms& terms);
    /// Asks every instance; each answer, or nullopt for one that failed.
    template <typename F>
    auto on_each(const std::string& key, std::optional<Millis> budget, F&& call)
        -> std::vector<std::optional<decltype(call(std::declval<Client&>()))>>;
    Ownership tally(const std::vector<std::optional<Ownership>>& votes, const char* what) const;

    std::vector<Client> clients_;
    Millis per_instance_;
};

/// Splits "URL,URL,URL" into connection options; at least 3 instances, an odd count is
/// advised but not required. Throws UsageError naming --redlock.
std::vector<ConnectionOptions> parse_redlock_urls(std::string_view list);

}  // namespace redisops
