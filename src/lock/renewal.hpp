// The timing of a held lease in `lock run`: when to renew, how long one renewal may take, and
// when the command must be stopped so that it never runs past the TTL Redis enforces.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>

namespace redisops {

struct RenewalTiming {
    std::chrono::milliseconds ttl;
    std::chrono::milliseconds grace;  // between SIGTERM and SIGKILL

    using ms = std::chrono::milliseconds;

    /// Renew at about TTL/3, so two renewals can fail before the lease is in danger.
    ms interval() const { return std::max(ttl / 3, ms(1)); }
    /// Our clock and the server's may run at slightly different rates, and the TTL counts from
    /// when Redis ran the command, which is after we sent it: assume the lease ends this much
    /// earlier (the Redlock spec's drift allowance: 1% of the TTL plus 2 ms).
    ms drift() const { return ttl / 100 + ms(2); }
    /// How long a lease obtained (or renewed) by a command sent at t is safe for, from t.
    ms safe_for() const { return ttl - drift(); }
    /// The budget of one renewal try (connect, or command), so a hung server is noticed well
    /// within the lease.
    ms attempt_timeout() const { return std::clamp(ttl / 10, ms(50), ms(2000)); }
    /// Pause between renewal tries once one has failed.
    ms retry_delay() const { return std::clamp(ttl / 20, ms(10), ms(500)); }
};

/// The default grace period: a quarter of the TTL, at most 5 s.
std::chrono::milliseconds default_grace(std::chrono::milliseconds ttl);
/// Throws UsageError unless the grace leaves room to renew: it must be shorter than TTL/2.
void check_grace(std::chrono::milliseconds ttl, std::chrono::milliseconds grace);

}  // namespace redisops
