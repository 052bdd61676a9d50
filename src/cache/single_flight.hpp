// The single-flight lock of `cache fetch`: of all the callers that miss the same key, on any
// host, one computes the value and the others wait for it.
// The lock is `{key}:lock` (same slot as the key) holding a CSPRNG token, `PX lock_ttl`,
// renewed while the command runs and released by compare-and-delete. The computing caller
// publishes 'ok' or 'fail N' on `{key}:ready`; waiters subscribe to it and also poll, so a
// lost message or a caller that died holding the lock (its lock expires) never hangs them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cache/entry.hpp"
#include "redis/client.hpp"
#include "redis/transport.hpp"
#include "util/clock.hpp"

namespace redisops {

class FlightLease {
  public:
    FlightLease(Client& client, const CacheKeys& keys, Millis ttl);
    FlightLease(const FlightLease&) = delete;
    FlightLease& operator=(const FlightLease&) = delete;
    /// Still held (an exception unwound past us): released, best effort, without a message,
    /// so waiters see the lock free and take over.
    ~FlightLease();

    /// SET NX PX; true when we are now the one caller that computes.
    bool try_acquire();
    /// Renews the TTL; false when the lock expired or another caller holds it now.
    bool extend();
    /// Compare-and-delete; `message` ('fail 3') is published to waiters if the lock was ours.
    void release(std::string_view message);
    /// The lock was released by another script (cache_store.lua): nothing left to do.
    void forget() { held_ = false; }

    const std::string& token() const { return token_; }
    bool held() const { return held_; }

  private:
    Client& client_;
    const CacheKeys& keys_;
    Millis ttl_;
    std::string token_;
    bool held_ = false;
};

enum class FlightOutcome {
    Lead,      // this caller holds the lock now: it computes
    Ready,     // the value is stored: read it
    Failed,    // the computing caller's command failed (status says how)
    Freed,     // nobody holds the lock and there is no value: try to take over
    TimedOut,  // the deadline passed
};

struct FlightNews {
    FlightOutcome outcome;
    int status = 0;  // the failed command's exit status, for Failed
};

struct FlightState {
    bool value_stored = false;
    bool lock_held = false;  // by anyone
};

/// A flight as the callers of one key see it in Redis. RedisFlightStore is the real one; unit
/// tests drive the waiting loop with a fake store and clock.
class FlightStore {
  public:
    virtual ~FlightStore() = default;
    /// Tries to become the one caller that computes.
    virtual bool try_lock() = 0;
    /// Subscribes (once) to the computing caller's news, so a look() after it misses nothing.
    virtual void subscribe() = 0;
    virtual FlightState look() = 0;
    /// Waits up to `timeout` for the computing caller's message ('ok', 'fail N'); nullopt when
    /// none came.
    virtual std::optional<std::string> next_message(Millis timeout) = 0;
};

/// The lock through a FlightLease; the news on a second connection to the key's node, since a
/// subscribed connection can do nothing else.
class RedisFlightStore : public FlightStore {
  public:
    RedisFlightStore(Client& client, const CacheKeys& keys, FlightLease& lease)
        : client_(client), keys_(keys), lease_(lease) {}

    /// Also drops the subscription once the lock is ours: nobody else will publish.
    bool try_lock() override;
    void subscribe() override;
    FlightState look() override;
    std::optional<std::string> next_message(Millis timeout) override;

  private:
    Client& client_;
    const CacheKeys& keys_;
    FlightLease& lease_;
    std::optional<Connection> sub_;
};

/// Waits (blocked in next_message, never spinning) until the value is stored, the computing
/// caller reports a failure, the lock is free, or `deadline`. Looks at Redis every
/// `poll_every` in case a message was lost, and once right after subscribing, so a value
/// stored just before the subscription is not missed.
FlightNews wait_for_flight(FlightStore& flight, const MonotonicClock& clock, SteadyTime deadline,
                           Millis poll_every);

/// A caller that missed: takes the lock (Lead), or waits for whoever holds it, and takes over
/// when the lock is freed without a result (that caller died or was interrupted). Returns
/// Lead, Ready, Failed or TimedOut, never Freed.
FlightNews join_flight(FlightStore& flight, const MonotonicClock& clock, SteadyTime deadline,
                       Millis poll_every);

}  // namespace redisops
