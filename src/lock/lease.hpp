// A lock lease in Redis: `<prefix><name>` STRING holding the owner's token with a PX TTL, a
// fencing counter and a holder record beside it in the same hash slot, and a Pub/Sub channel
// its waiters listen on.
// Every change goes through a script that compares the token first (lua/lock_*.lua).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "acl/acl_rules.hpp"
#include "lock/holder.hpp"
#include "redis/client.hpp"

namespace redisops {

using Millis = std::chrono::milliseconds;

/// The Redis names of one lock.
struct LockKeys {
    std::string name;
    std::string key;         // prefix + name; with prefix "" the bare name, as redis-py keeps it
    std::string fence_key;   // {key}:fence: same slot, so the acquire script may INCR it
    std::string holder_key;  // {key}:holder: same slot, written and deleted with the lock
    std::string channel;     // {key}:released: the release scripts PUBLISH here

    /// Throws UsageError for an empty name.
    static LockKeys make(std::string_view name, std::string_view prefix);
};

/// Every command `lock` sends, its scripts' calls included (ACL checks those too), for
/// --print-acl: the scripts (EVALSHA, SCRIPT LOAD on NOSCRIPT; GET SET INCR PEXPIRE PTTL DEL
/// PUBLISH inside), status reads, and the release channel a waiter subscribes to.
inline constexpr const char* kLockCommands[] = {
    "evalsha", "script|load", "get",  "set",     "incr",     "exists",
    "pexpire", "pexpireat",   "pttl", "del",     "time",     "hset",
    "hincrby", "hgetall",     "scan", "publish", "subscribe"};

/// The rules for locks under `prefix`: the lock keys, their same-slot companions
/// ({<prefix>…}:fence and the like) and release channels, and kLockCommands.
AclRules lock_acl(std::string_view prefix);

/// A new token: 16 bytes (128 bits) from the OS CSPRNG as 32 hex digits, the format redis-py
/// uses, so either tool can hand its token to the other.
std::string new_lock_token();

struct AcquireAttempt {
    bool acquired = false;
    long long fence = 0;               // acquired: the fencing token drawn for this lease
    std::optional<Millis> holder_ttl;  // busy: the holder's remaining TTL; nullopt = no TTL
    Clock::time_point sent_at;         // when the attempt was sent: the lease counts from here
};

/// The fencing counter's default TTL: long against any lock, refreshed on every acquire.
inline constexpr Millis kDefaultFenceTtl{30LL * 24 * 3600 * 1000};

/// What an acquire writes beside the lock.
struct AcquireTerms {
    LockHolder holder;
    Millis fence_ttl = kDefaultFenceTtl;
};

/// What a compare-and-X script found.
enum class Ownership { Owned, Missing, Stranger };

/// One attempt: SET NX PX, the fence drawn and the holder recorded, atomically.
AcquireAttempt try_acquire(Client& client, const LockKeys& keys, const std::string& token,
                           Millis ttl, const AcquireTerms& terms);
/// Compare-and-delete; Owned means it was released (and waiters were woken).
Ownership release(Client& client, const LockKeys& keys, const std::string& token);
/// Compare-and-pexpire; never re-creates an expired lock.
Ownership extend(Client& client, const LockKeys& keys, const std::string& token, Millis ttl);
/// Deletes the lock whoever holds it; the token it removed, nullopt if it was free.
std::optional<std::string> force_release(Client& client, const LockKeys& keys);

struct LockStatus {
    bool held = false;
    std::optional<std::string> token;
    std::optional<Millis> ttl;           // held with a TTL
    long long fence = 0;                 // last fencing token handed out; 0 if never (or expired)
    std::optional<HolderRecord> holder;  // nullopt: free, or a lock another tool wrote
    long long server_now_ms = 0;         // the server's clock when read (for "held for")
};

LockStatus lock_status(Client& client, const LockKeys& keys);

/// Unix milliseconds from a TIME reply; 0 when it is not one.
long long server_time_ms(const Reply& time);

/// The server's maxmemory-policy, or why it is unknown (managed services rename or deny CONFIG).
struct EvictionPolicy {
    std::optional<std::string> name;  // nullopt: unknown
    std::string unknown_because;      // the server's answer to CONFIG GET when unknown
    /// volatile-* and allkeys-* may evict keys with a TTL, which silently frees a held lock.
    bool may_evict() const {
        return name && (name->starts_with("volatile-") || name->starts_with("allkeys-"));
    }
};

EvictionPolicy eviction_policy(Client& client);

}  // namespace redisops
