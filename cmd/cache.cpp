// `cache get|set|del|ttl|fetch`: binds flags, calls src/cache, prints. Values are raw bytes.
#include <cmath>

#include "cache/entry.hpp"
#include "cache/fetch.hpp"
#include "context.hpp"
#include "print_acl.hpp"
#include "redis/errors.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

using nlohmann::json;

struct CacheFlags {
    std::string key;
    std::vector<std::string> keys;
    std::string value;
    std::chrono::milliseconds ttl{0};
    std::vector<std::string> tags;
    std::string tag_prefix{kDefaultTagPrefix};
    double beta = 1.0;
    std::chrono::milliseconds lock_ttl{10000};
    std::chrono::milliseconds wait{300000};
    std::vector<std::string> command;
};

json ttl_json(std::optional<Millis> ttl) { return ttl ? json(ttl->count()) : json(nullptr); }

std::vector<std::string> tag_keys(const CacheFlags& f) {
    std::vector<std::string> keys;
    for (const auto& t : f.tags) {
        if (t.empty()) throw UsageError("--tag: empty tag name");
        keys.push_back(tag_set_key(f.tag_prefix, t));
    }
    return keys;
}

CLI::Option* add_tag_flags(CLI::App* sub, CacheFlags& f) {
    sub->add_option("--tag-prefix", f.tag_prefix, "Prefix of tag set keys")->capture_default_str();
    // One value per --tag, so `--tag a KEY` never swallows the key.
    return sub->add_option("--tag", f.tags, "Add the key to tag set <prefix><T> (repeatable)")
        ->allow_extra_args(false)
        ->type_name("TAG");
}

int run_get(Context& ctx, const CacheFlags& f) {
    if (ctx.global.json) {
        auto cached = read_cached(ctx.client(), CacheKeys(f.key));
        json doc{{"key", to_json_text(f.key)}, {"found", cached.has_value()}};
        doc["value"] = cached ? json(to_json_text(cached->value)) : json(nullptr);
        doc["ttl_ms"] = cached ? ttl_json(cached->ttl) : json(nullptr);
        ctx.out(dump_json(doc) + "\n");
        return cached ? kExitOk : kExitNegative;
    }
    auto value = get_value(ctx.client(), f.key);
    if (!value) {
        if (ctx.style().err_tty) ctx.err("redis-ops: " + quote_if_needed(f.key) + ": not found\n");
        return kExitNegative;
    }
    ctx.out(*value);  // raw bytes, no newline added: `cache get k > file` round-trips
    return kExitOk;
}

int run_set(Context& ctx, CacheFlags& f, bool value_given) {
    require_positive(f.ttl, "--ttl");
    if (!value_given || f.value == "-") f.value = read_stdin();
    CacheWrite write{f.key, f.value, f.ttl, tag_keys(f), std::nullopt, "", false};
    store_value(ctx.client(), write);
    if (ctx.global.json) {
        json tags = json::array();
        for (const auto& t : f.tags) tags.push_back(to_json_text(t));
        ctx.out(dump_json({{"key", to_json_text(f.key)},
                           {"ttl_ms", f.ttl.count()},
                           {"bytes", f.value.size()},
                           {"tags", tags}}) +
                "\n");
    } else {
        ctx.out("OK\n");
    }
    return kExitOk;
}

int run_del(Context& ctx, const CacheFlags& f) {
    long long deleted = delete_values(ctx.client(), f.keys);
    if (ctx.global.json) {
        ctx.out(dump_json({{"deleted", deleted}}) + "\n");
    } else {
        ctx.out(std::to_string(deleted) + "\n");
    }
    return kExitOk;
}

int run_ttl(Context& ctx, const CacheFlags& f) {
    KeyTtl t = key_ttl(ctx.client(), f.key);
    if (ctx.global.json) {
        ctx.out(dump_json({{"key", to_json_text(f.key)},
                           {"exists", t.exists},
                           {"ttl_ms", t.exists ? ttl_json(t.ttl) : json(nullptr)}}) +
                "\n");
    } else if (!t.exists) {
        if (ctx.style().err_tty) ctx.err("redis-ops: " + quote_if_needed(f.key) + ": not found\n");
    } else {
        ctx.out((t.ttl ? format_duration(*t.ttl) : std::string("no expiry")) + "\n");
    }
    return t.exists ? kExitOk : kExitNegative;
}

int run_fetch(Context& ctx, const CacheFlags& f) {
    require_positive(f.ttl, "--ttl");
    require_positive(f.lock_ttl, "--lock-ttl");
    if (!std::isfinite(f.beta) || f.beta < 0) {
        throw UsageError("--beta: must be a number >= 0 (0 disables early refresh)");
    }
    if (f.command.empty()) throw UsageError("cache fetch: no command given (… -- CMD [ARG…])");
    FetchRequest req{f.key, f.ttl, tag_keys(f), f.beta, f.lock_ttl, f.wait, f.command};
    FetchResult r = cache_fetch(ctx.client(), req);
    for (const auto& w : r.warnings) ctx.warn(w);
    if (!r.error.empty()) ctx.err("redis-ops: cache fetch: " + r.error + "\n");
    if (ctx.global.json) {
        json doc{{"key", to_json_text(f.key)},
                 {"source", fetch_source_name(r.source)},
                 {"exit_status", r.status},
                 {"value", r.value ? json(to_json_text(*r.value)) : json(nullptr)},
                 {"ttl_ms", ttl_json(r.ttl)},
                 {"compute_ms", ttl_json(r.compute_time)}};
        if (!r.error.empty()) doc["error"] = r.error;
        ctx.out(dump_json(doc) + "\n");
    } else if (r.value) {
        ctx.out(*r.value);
    }
    return r.status;
}

}  // namespace

void setup_cache(CLI::App& app, Context& ctx) {
    auto* cache = app.add_subcommand("cache", "Cache-aside values with TTLs and tags");
    cache->require_subcommand(1);
    auto f = std::make_shared<CacheFlags>();
    auto acl = std::make_shared<CacheFlags>();
    cache->add_option("--prefix", acl->key, "With --print-acl: the prefix of the cached keys")
        ->capture_default_str();
    cache->add_option("--tag-prefix", acl->tag_prefix, "With --print-acl: the prefix of tag sets")
        ->capture_default_str();
    add_print_acl(cache, ctx, "redis-ops-cache",
                  [acl] { return cache_acl(acl->key, acl->tag_prefix); });

    auto* get = cache->add_subcommand("get", "Print a cached value's raw bytes (exit 1: missing)");
    get->add_option("key", f->key, "Key")->required();
    get->callback([&ctx, f] { ctx.action = [&ctx, f] { return run_get(ctx, *f); }; });

    auto* set = cache->add_subcommand("set", "Store a value with a TTL and optional tags");
    set->add_option("key", f->key, "Key")->required();
    auto* value = set->add_option("value", f->value, "Value, or - (or nothing) to read stdin");
    add_duration(set, "--ttl", f->ttl, "Time to live")->required();
    add_tag_flags(set, *f);
    set->callback([&ctx, f, value] {
        bool given = value->count() > 0;
        ctx.action = [&ctx, f, given] { return run_set(ctx, *f, given); };
    });

    auto* del = cache->add_subcommand("del", "Delete keys; prints how many existed");
    del->add_option("keys", f->keys, "Keys")->required();
    del->callback([&ctx, f] { ctx.action = [&ctx, f] { return run_del(ctx, *f); }; });

    auto* ttl = cache->add_subcommand("ttl", "Print a key's remaining time to live");
    ttl->add_option("key", f->key, "Key")->required();
    ttl->callback([&ctx, f] { ctx.action = [&ctx, f] { return run_ttl(ctx, *f); }; });

    auto* fetch = cache->add_subcommand(
        "fetch",
        "Print KEY, or run CMD once across all callers and cache its stdout (exit: CMD's)");
    fetch->add_option("key", f->key, "Key")->required();
    add_duration(fetch, "--ttl", f->ttl, "Time to live of the stored output")->required();
    add_tag_flags(fetch, *f);
    fetch->add_option("--beta", f->beta, "XFetch early refresh eagerness (0 disables)")
        ->capture_default_str();
    add_duration(fetch, "--lock-ttl", f->lock_ttl,
                 "Single-flight lock TTL, renewed while CMD runs (default 10s)");
    add_duration(fetch, "--wait", f->wait,
                 "How long to wait for another caller's result (default 5m)");
    fetch->add_option("command", f->command, "CMD [ARG…], after --")->required();
    fetch->callback([&ctx, f] { ctx.action = [&ctx, f] { return run_fetch(ctx, *f); }; });
}

}  // namespace redisops
