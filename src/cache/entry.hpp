// Cached values: the key as given, `SET key value PX ttl`, tag sets `tag:<T>` whose TTL is kept
// at least as long as their members', and the same-slot companions `cache fetch` needs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acl/acl_rules.hpp"
#include "redis/client.hpp"

namespace redisops {

constexpr std::string_view kDefaultTagPrefix = "tag:";

/// Every command `cache` sends, its scripts' calls included (ACLs check those too), for
/// --print-acl: the scripts (EVALSHA, SCRIPT LOAD on NOSCRIPT; SET GET DEL PTTL TYPE SADD
/// PEXPIRE PUBLISH inside), get/ttl/del, the single-flight lock (SET NX PX), a waiter's look
/// (EXISTS) and its SUBSCRIBE to the ready channel.
inline constexpr const char* kCacheCommands[] = {"evalsha", "script|load", "get",     "set",
                                                 "del",     "pttl",        "exists",  "type",
                                                 "sadd",    "pexpire",     "publish", "subscribe"};

/// The rules for cached keys under `prefix` (empty: every key): the keys, their same-slot
/// companions ({<key>}:delta, {<key>}:lock), the tag sets under `tag_prefix`, the ready
/// channels of `cache fetch`, and kCacheCommands.
AclRules cache_acl(std::string_view prefix, std::string_view tag_prefix);

/// The keys one cached value lives in. The companions share the value's hash slot, so one
/// script can touch them all on a cluster.
struct CacheKeys {
    explicit CacheKeys(std::string key);
    std::string value;    // the key as given
    std::string delta;    // XFetch compute time in ms, so the value itself stays raw stdout
    std::string lock;     // single-flight lock of `cache fetch`
    std::string channel;  // Pub/Sub channel on which the computing caller tells the waiters
};

/// `tag:<T>` (with the configured prefix).
std::string tag_set_key(std::string_view prefix, std::string_view tag);

/// Which tag sets one script can update together with the value (those in the key's hash
/// slot, e.g. key `{user:1}:profile` with tag `{user:1}`), and which must be written in their
/// own step on their own node. A script may touch one slot only: on a cluster anything else
/// fails with CROSSSLOT, and Client::eval refuses it on every topology.
struct TagWritePlan {
    std::vector<std::string> with_value;
    std::vector<std::string> separate;
};
TagWritePlan plan_tag_writes(std::string_view key, const std::vector<std::string>& tag_keys);

struct CacheWrite {
    std::string key;
    std::string value;
    Millis ttl{0};
    std::vector<std::string> tag_keys;   // full tag set keys
    std::optional<Millis> compute_time;  // stored for XFetch; nullopt drops a stale one
    std::string lock_token;              // released with the store when non-empty
    bool notify = false;                 // tell `cache fetch` waiters the value is there
};

/// Stores the value, its tags and companions. Returns false when `lock_token` was given but
/// the lock was no longer ours (it expired while the command ran).
bool store_value(Client& client, const CacheWrite& write);

/// GET; nullopt when the key does not exist.
std::optional<std::string> get_value(Client& client, std::string_view key);

/// What PTTL says about a key.
struct KeyTtl {
    bool exists = false;
    std::optional<Millis> ttl;  // nullopt: the key never expires
};
KeyTtl key_ttl(Client& client, std::string_view key);

/// A value with what XFetch needs to decide on an early refresh.
struct CachedValue {
    std::string value;
    std::optional<Millis> ttl;           // nullopt: no expiry
    std::optional<Millis> compute_time;  // nullopt: stored by `cache set`, or by another tool
};
/// The value, its PTTL and its compute time in one round trip (one slot, one pipeline).
std::optional<CachedValue> read_cached(Client& client, const CacheKeys& keys);

/// Deletes the keys and their companions; returns how many of the keys existed.
long long delete_values(Client& client, const std::vector<std::string>& keys);

}  // namespace redisops
