#include "cache/entry.hpp"

#include "redis/errors.hpp"
#include "redis/pipeline.hpp"
#include "redis/slot.hpp"

namespace redisops {
namespace {

std::optional<Millis> ttl_from_pttl(long long pttl) {
    if (pttl < 0) return std::nullopt;
    return Millis(pttl);
}

}  // namespace

CacheKeys::CacheKeys(std::string key)
    : value(std::move(key)),
      delta(same_slot_key(value, ":delta")),
      lock(same_slot_key(value, ":lock")),
      channel(same_slot_key(value, ":ready")) {}

AclRules cache_acl(std::string_view prefix, std::string_view tag_prefix) {
    AclRules rules;
    std::string keys = prefix_glob(prefix);
    // Companions and channels are "{<key>}:lock" (same_slot_key), or "<key>:lock" when the key
    // has a hash tag of its own or a stray '}' (then with a computed tag inside it, before
    // its first brace); "*" already covers them all.
    rules.keys = {keys};
    rules.channels = {keys + ":ready"};
    if (!prefix.empty()) {
        rules.keys.push_back("{" + keys + "}:*");
        rules.keys.push_back(prefix_glob(tag_prefix));
        rules.channels.insert(rules.channels.begin(), "{" + keys + "}:ready");
    }
    rules.add_commands(kCacheCommands);
    return rules;
}

std::string tag_set_key(std::string_view prefix, std::string_view tag) {
    return std::string(prefix) + std::string(tag);
}

TagWritePlan plan_tag_writes(std::string_view key, const std::vector<std::string>& tag_keys) {
    TagWritePlan plan;
    int slot = hash_slot(key);
    for (const auto& t : tag_keys) {
        if (hash_slot(t) == slot) {
            plan.with_value.push_back(t);
        } else {
            plan.separate.push_back(t);
        }
    }
    return plan;
}

bool store_value(Client& client, const CacheWrite& write) {
    static const Script store("cache_store");
    static const Script tag_add("tag_add");
    CacheKeys keys(write.key);
    TagWritePlan plan = plan_tag_writes(write.key, write.tag_keys);
    Args script_keys{keys.value, keys.delta, keys.lock};
    script_keys.insert(script_keys.end(), plan.with_value.begin(), plan.with_value.end());
    std::string ttl = std::to_string(write.ttl.count());
    Args args{write.value, ttl,
              write.compute_time ? std::to_string(write.compute_time->count()) : std::string(),
              write.lock_token, write.notify ? keys.channel : std::string()};
    bool released = client.eval(store, script_keys, args).integer() == 1;
    // The value first, then each remote tag set: if we die in between, the key is merely
    // untagged until it expires; the other order could leave a tagged key that an
    // invalidation running in between misses, with nothing left pointing at it.
    for (const auto& tag_key : plan.separate) client.eval(tag_add, {tag_key}, {write.key, ttl});
    return released;
}

std::optional<std::string> get_value(Client& client, std::string_view key) {
    return client.command_for_key(key, {"GET", std::string(key)}).opt_str();
}

KeyTtl key_ttl(Client& client, std::string_view key) {
    long long pttl = client.command_for_key(key, {"PTTL", std::string(key)}).integer();
    if (pttl == -2) return {};
    return {true, ttl_from_pttl(pttl)};
}

std::optional<CachedValue> read_cached(Client& client, const CacheKeys& keys) {
    Pipeline p(client.connection_for_key(keys.value));
    p.add({"GET", keys.value});
    p.add({"PTTL", keys.value});
    p.add({"GET", keys.delta});
    auto replies = p.exec();
    for (const auto& r : replies) r.check();
    auto value = replies[0].opt_str();
    if (!value) return std::nullopt;
    CachedValue cached{std::move(*value), ttl_from_pttl(replies[1].integer()), std::nullopt};
    // A companion that is not a number (written by someone else) is ignored, not fatal.
    if (auto delta = replies[2].opt_str()) {
        try {
            cached.compute_time = Millis(std::stoll(*delta));
        } catch (const std::exception&) {
        }
    }
    return cached;
}

long long delete_values(Client& client, const std::vector<std::string>& keys) {
    long long deleted = 0;
    for (const auto& key : keys) {
        CacheKeys k(key);
        // The companions share the key's slot, so one connection and one round trip.
        Pipeline p(client.connection_for_key(key));
        p.add({"DEL", k.value});
        p.add({"DEL", k.delta});
        auto replies = p.exec();
        deleted += replies[0].check().integer();
        replies[1].check();
    }
    return deleted;
}

}  // namespace redisops
