#include "lock/store.hpp"

#include "lock/wait.hpp"
#include "redis/errors.hpp"

namespace redisops {

AcquireAttempt SingleLockStore::acquire(const LockKeys& keys, const std::string& token, Millis ttl,
                                        Millis wait, const AcquireTerms& terms) {
    return acquire_waiting(client_, keys, token, ttl, wait, terms);
}

Client& SingleLockStore::bounded(const LockKeys& keys, Millis budget) {
    if (!bounded_) {
        ConnectionOptions o = client_.options();
        o.connect_timeout = budget;
        o.command_timeout = budget;
        bounded_.emplace(std::move(o));
    }
    bounded_->connection_for_key(keys.key).set_command_timeout(budget);
    return *bounded_;
}

Ownership SingleLockStore::extend(const LockKeys& keys, const std::string& token, Millis ttl,
                                  std::optional<Millis> budget) {
    if (!budget) return redisops::extend(client_, keys, token, ttl);
    try {
        return redisops::extend(bounded(keys, *budget), keys, token, ttl);
    } catch (const Error&) {
        // The next try reconnects, with a connect timeout that fits its own budget.
        bounded_.reset();
        throw;
    }
}

Ownership SingleLockStore::release(const LockKeys& keys, const std::string& token,
                                   std::optional<Millis> budget) {
    if (!budget) return redisops::release(client_, keys, token);
    try {
        return redisops::release(bounded(keys, *budget), keys, token);
    } catch (const Error&) {
        bounded_.reset();
        throw;
    }
}

std::optional<std::string> SingleLockStore::force_release(const LockKeys& keys) {
    return redisops::force_release(client_, keys);
}

}  // namespace redisops
