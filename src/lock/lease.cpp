#include "lock/lease.hpp"

#include "redis/errors.hpp"
#include "redis/pipeline.hpp"
#include "redis/slot.hpp"
#include "util/random.hpp"

namespace redisops {
namespace {

Ownership ownership(long long code) {
    if (code == 1) return Ownership::Owned;
    if (code == 0) return Ownership::Missing;
    return Ownership::Stranger;
}

struct LockScripts {
    Script acquire{"lock_acquire"};
    Script release{"lock_release"};
    Script force_release{"lock_force_release"};
    Script extend{"lock_extend"};
};

// Built once per process: each SHA is computed once and EVALSHA is the common path.
const LockScripts& scripts() {
    static const LockScripts s;
    return s;
}

}  // namespace

long long server_time_ms(const Reply& time) {
    if (!time.is_array() || time.size() < 2) return 0;
    return std::stoll(std::string(time[0].str())) * 1000 +
           std::stoll(std::string(time[1].str())) / 1000;
}

LockKeys LockKeys::make(std::string_view name, std::string_view prefix) {
    if (name.empty()) throw UsageError("lock name: must not be empty");
    LockKeys k;
    k.name = std::string(name);
    k.key = std::string(prefix) + std::string(name);
    k.fence_key = same_slot_key(k.key, ":fence");
    k.holder_key = same_slot_key(k.key, ":holder");
    k.channel = same_slot_key(k.key, ":released");
    return k;
}

std::string new_lock_token() { return random_hex(16); }

AcquireAttempt try_acquire(Client& client, const LockKeys& keys, const std::string& token,
                           Millis ttl, const AcquireTerms& terms) {
    const auto sent_at = Clock::now();
    const LockHolder& h = terms.holder;
    Reply r =
        client.eval(scripts().acquire, {keys.key, keys.fence_key, keys.holder_key},
                    {token, std::to_string(ttl.count()), std::to_string(terms.fence_ttl.count()),
                     h.host, std::to_string(h.pid), h.user, h.command});
    AcquireAttempt a;
    a.sent_at = sent_at;
    a.acquired = r[0].integer() == 1;
    if (a.acquired) {
        a.fence = r[1].integer();
    } else if (long long pttl = r[1].integer(); pttl >= 0) {
        a.holder_ttl = Millis(pttl);
    }
    return a;
}

Ownership release(Client& client, const LockKeys& keys, const std::string& token) {
    return ownership(
        client.eval(scripts().release, {keys.key, keys.holder_key}, {token, keys.channel})
            .integer());
}

Ownership extend(Client& client, const LockKeys& keys, const std::string& token, Millis ttl) {
    return ownership(client
                         .eval(scripts().extend, {keys.key, keys.holder_key},
                               {token, std::to_string(ttl.count())})
                         .integer());
}

std::optional<std::string> force_release(Client& client, const LockKeys& keys) {
    return client.eval(scripts().force_release, {keys.key, keys.holder_key}, {keys.channel})
        .opt_str();
}

LockStatus lock_status(Client& client, const LockKeys& keys) {
    // The keys share a slot, so one pipeline on the owning node reads a consistent-enough view;
    // TIME there too, so "held for" is measured on the clock that wrote started_at_ms.
    auto replies = client.pipeline_for_key(keys.key, {{"GET", keys.key},
                                                      {"PTTL", keys.key},
                                                      {"GET", keys.fence_key},
                                                      {"HGETALL", keys.holder_key},
                                                      {"TIME"}});
    for (const auto& r : replies) r.check();
    LockStatus s;
    s.token = replies[0].opt_str();
    s.held = s.token.has_value();
    long long pttl = replies[1].integer();
    if (s.held && pttl >= 0) s.ttl = Millis(pttl);
    if (auto fence = replies[2].opt_integer()) s.fence = *fence;
    if (s.held) s.holder = parse_holder(replies[3]);
    s.server_now_ms = server_time_ms(replies[4]);
    return s;
}

AclRules lock_acl(std::string_view prefix) {
    AclRules rules;
    std::string keys = prefix_glob(prefix);
    // Companions are "{<key>}:fence" (same_slot_key): the hash tag wraps the whole lock key.
    // A name with a stray '}' gets "<key with a computed tag>:fence", under the prefix.
    rules.keys = {keys, "{" + keys + "}:*"};
    rules.channels = {"{" + keys + "}:released", keys + ":released"};
    rules.add_commands(kLockCommands);
    return rules;
}

EvictionPolicy eviction_policy(Client& client) {
    Reply r = client.connection().command_unchecked({"CONFIG", "GET", "maxmemory-policy"});
    if (r.is_error()) return {std::nullopt, std::string(r.error())};
    if (!r.is_array() || r.size() < 2) return {std::nullopt, "CONFIG GET returned no value"};
    return {std::string(r[1].str()), {}};
}

}  // namespace redisops
