// `redis-ops lock`: distributed locks from the shell (src/lock/ does the Redis work).
#include <fmt/format.h>
#include <unistd.h>

#include <memory>

#include "context.hpp"
#include "lock/holder.hpp"
#include "lock/lease.hpp"
#include "lock/redlock.hpp"
#include "lock/renewal.hpp"
#include "lock/run.hpp"
#include "lock_list.hpp"
#include "print_acl.hpp"
#include "redis/errors.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

struct LockOptions {
    std::string name;
    std::string prefix = "lock:";
    std::chrono::milliseconds ttl{30000};
    std::chrono::milliseconds wait{0};
    std::chrono::milliseconds fence_ttl = kDefaultFenceTtl;
    std::optional<std::chrono::milliseconds> max_hold;
    std::optional<std::chrono::milliseconds> grace;
    std::string token;
    bool force = false;
    int conflict_exit = kExitNegative;
    std::vector<std::string> command;
    std::string redlock;

    LockKeys keys() const { return LockKeys::make(name, prefix); }
};

CLI::App* add_leaf(CLI::App* parent, const char* name, const char* help, LockOptions& o) {
    CLI::App* sub = parent->add_subcommand(name, help);
    sub->add_option("name", o.name, "Lock name (use -- before a name that starts with '-')")
        ->required();
    sub->add_option("--prefix", o.prefix,
                    "Key prefix; '' addresses locks kept under the bare name (redis-py)")
        ->capture_default_str();
    return sub;
}

void add_ttl(CLI::App* sub, LockOptions& o, const char* help) {
    add_duration(sub, "--ttl", o.ttl, help);
}

void add_fence_ttl(CLI::App* sub, LockOptions& o) {
    add_duration(sub, "--fence-ttl", o.fence_ttl,
                 "TTL of the fencing counter, refreshed on every acquire (default 30d)");
}

void add_redlock(CLI::App* sub, LockOptions& o) {
    sub->add_option("--redlock", o.redlock,
                    "Redlock: hold the lock on a majority of these independent masters")
        ->type_name("URL,URL,URL");
}

/// One deployment through the global connection flags, or the --redlock quorum (each URL
/// carries its own credentials and TLS).
std::unique_ptr<LockStore> open_store(Context& ctx, const LockOptions& o) {
    if (o.redlock.empty()) return std::make_unique<SingleLockStore>(ctx.client());
    auto instances = parse_redlock_urls(o.redlock);
    return std::make_unique<Redlock>(instances, RenewalTiming{o.ttl, Millis(0)}.attempt_timeout());
}

void add_conflict_code(CLI::App* sub, LockOptions& o) {
    sub->add_option("-E,--conflict-exit-code", o.conflict_exit,
                    "Exit code when the lock is busy (default 1), as in flock(1)")
        ->check(CLI::Range(0, 255));
}

/// "expires in 12s" / "no TTL" for the holder of a busy lock.
std::string holder_text(const std::optional<std::chrono::milliseconds>& ttl) {
    return ttl ? "expires in " + format_duration(*ttl) : "held with no TTL";
}

nlohmann::json opt_ms(const std::optional<std::chrono::milliseconds>& d) {
    return d ? nlohmann::json(d->count()) : nlohmann::json(nullptr);
}

int busy(Context& ctx, const LockOptions& o, const LockKeys& keys,
         const std::optional<std::chrono::milliseconds>& holder_ttl) {
    if (ctx.global.json) {
        ctx.out(dump_json({{"name", to_json_text(keys.name)},
                           {"key", to_json_text(keys.key)},
                           {"acquired", false},
                           {"holder_ttl_ms", opt_ms(holder_ttl)}}) +
                "\n");
    }
    std::string waited = o.wait.count() > 0 ? " after waiting " + format_duration(o.wait) : "";
    ctx.err(fmt::format("redis-ops: lock {} is busy{} ({})\n", quote_if_needed(keys.name), waited,
                        holder_text(holder_ttl)));
    return o.conflict_exit;
}

int run_acquire(Context& ctx, const LockOptions& o) {
    LockKeys keys = o.keys();
    require_positive(o.ttl, "--ttl");
    require_positive(o.fence_ttl, "--fence-ttl");
    std::string token = o.token.empty() ? new_lock_token() : o.token;
    auto store = open_store(ctx, o);
    AcquireAttempt a = store->acquire(keys, token, o.ttl, o.wait, {holder_calling(), o.fence_ttl});
    if (!a.acquired) return busy(ctx, o, keys, a.holder_ttl);
    try {
        if (ctx.global.json) {
            ctx.out(dump_json({{"name", to_json_text(keys.name)},
                               {"key", to_json_text(keys.key)},
                               {"acquired", true},
                               {"token", to_json_text(token)},
                               {"fence", a.fence},
                               {"ttl_ms", o.ttl.count()}}) +
                    "\n");
        } else {
            ctx.out(token + "\n");
        }
    } catch (const Error&) {
        // Nobody received the token, so nobody can release the lock: give it back now rather
        // than leave it held until its TTL. The write error is what gets reported.
        try {
            store->release(keys, token);
        } catch (const Error&) {
        }
        throw;
    }
    return kExitOk;
}

void setup_acquire(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<LockOptions>();
    CLI::App* sub = add_leaf(parent, "acquire", "Take a lock and print its token", *o);
    add_ttl(sub, *o, "Lock lifetime (default 30s)");
    add_duration(sub, "--wait", o->wait, "Wait this long for a busy lock (default 0: don't)");
    sub->add_option("--token", o->token, "Use this token instead of a random one");
    add_conflict_code(sub, *o);
    add_fence_ttl(sub, *o);
    add_redlock(sub, *o);
    sub->callback([&ctx, o, sub] {
        if (sub->count("--token") && o->token.empty()) throw UsageError("--token: empty token");
        ctx.action = [&ctx, o] { return run_acquire(ctx, *o); };
    });
}

int run_release(Context& ctx, const LockOptions& o) {
    LockKeys keys = o.keys();
    std::string name = quote_if_needed(keys.name);
    if (o.force) {
        std::optional<std::string> removed = open_store(ctx, o)->force_release(keys);
        if (ctx.global.json) {
            ctx.out(dump_json({{"name", to_json_text(keys.name)},
                               {"key", to_json_text(keys.key)},
                               {"released", removed.has_value()},
                               {"token", removed ? nlohmann::json(to_json_text(*removed))
                                                 : nlohmann::json(nullptr)}}) +
                    "\n");
        } else if (removed) {
            ctx.out(
                fmt::format("removed lock {} held by token {}\n", name, quote_if_needed(*removed)));
        }
        if (!removed) {
            ctx.err(fmt::format("redis-ops: lock {} is not held\n", name));
            return kExitNegative;
        }
        return kExitOk;
    }
    Ownership result = open_store(ctx, o)->release(keys, o.token);
    if (ctx.global.json) {
        ctx.out(dump_json({{"name", to_json_text(keys.name)},
                           {"key", to_json_text(keys.key)},
                           {"released", result == Ownership::Owned},
                           {"token", to_json_text(o.token)}}) +
                "\n");
    }
    if (result == Ownership::Owned) {
        if (!ctx.global.json) ctx.out(fmt::format("released lock {}\n", name));
        return kExitOk;
    }
    ctx.err(result == Ownership::Missing
                ? fmt::format("redis-ops: lock {} is not held (expired or never taken)\n", name)
                : fmt::format("redis-ops: lock {} is held under another token; left in "
                              "place\n",
                              name));
    return kExitNegative;
}

void setup_release(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<LockOptions>();
    CLI::App* sub = add_leaf(parent, "release",
                             "Release a lock: compare-and-delete with --token, or --force", *o);
    auto* token = sub->add_option("--token", o->token, "The token the lock was acquired with");
    auto* force = sub->add_flag("--force", o->force, "Delete the lock whoever holds it");
    token->excludes(force);
    add_redlock(sub, *o);
    sub->callback([&ctx, o, sub] {
        if (!sub->count("--token") && !o->force)
            throw UsageError("release needs --token T or --force");
        if (sub->count("--token") && o->token.empty()) throw UsageError("--token: empty token");
        ctx.action = [&ctx, o] { return run_release(ctx, *o); };
    });
}

int run_extend(Context& ctx, const LockOptions& o) {
    LockKeys keys = o.keys();
    require_positive(o.ttl, "--ttl");
    Ownership result = open_store(ctx, o)->extend(keys, o.token, o.ttl);
    std::string name = quote_if_needed(keys.name);
    if (ctx.global.json) {
        ctx.out(dump_json({{"name", to_json_text(keys.name)},
                           {"key", to_json_text(keys.key)},
                           {"extended", result == Ownership::Owned},
                           {"ttl_ms", o.ttl.count()}}) +
                "\n");
    }
    if (result == Ownership::Owned) {
        if (!ctx.global.json) {
            ctx.out(fmt::format("extended lock {} to {}\n", name, format_duration(o.ttl)));
        }
        return kExitOk;
    }
    ctx.err(result == Ownership::Missing
                ? fmt::format("redis-ops: lock {} is not held (expired or deleted); not "
                              "re-created\n",
                              name)
                : fmt::format("redis-ops: lock {} is held under another token\n", name));
    return kExitNegative;
}

void setup_extend(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<LockOptions>();
    CLI::App* sub =
        add_leaf(parent, "extend", "Reset a lock's TTL while the token still owns it", *o);
    sub->add_option("--token", o->token, "The token the lock was acquired with")->required();
    add_ttl(sub, *o, "New lifetime from now (default 30s)");
    add_redlock(sub, *o);
    sub->callback([&ctx, o] {
        if (o->token.empty()) throw UsageError("--token: empty token");
        ctx.action = [&ctx, o] { return run_extend(ctx, *o); };
    });
}

int run_status(Context& ctx, const LockOptions& o) {
    LockKeys keys = o.keys();
    LockStatus s = lock_status(ctx.client(), keys);
    if (ctx.global.json) {
        ctx.out(dump_json({{"name", to_json_text(keys.name)},
                           {"key", to_json_text(keys.key)},
                           {"held", s.held},
                           {"token", s.token ? nlohmann::json(to_json_text(*s.token))
                                             : nlohmann::json(nullptr)},
                           {"ttl_ms", opt_ms(s.ttl)},
                           {"fence", s.fence},
                           {"holder", holder_json(s.holder, s.server_now_ms)}}) +
                "\n");
    } else {
        auto line = [](const char* field, const std::string& value) {
            return fmt::format("{:<6} {}\n", field, value);
        };
        std::string ttl = !s.held ? "-" : s.ttl ? format_duration(*s.ttl) : "none";
        ctx.out(line("name", quote_if_needed(keys.name)) + line("key", quote_if_needed(keys.key)) +
                line("state", s.held ? "held" : "free") +
                line("token", s.token ? quote_if_needed(*s.token) : "-") + line("ttl", ttl) +
                line("fence", std::to_string(s.fence)));
        if (s.held) ctx.out(holder_sentence(s.holder, s.ttl, s.fence, s.server_now_ms) + "\n");
    }
    if (s.held && !s.ttl) {
        ctx.warn(
            fmt::format("lock {} has no TTL: it blocks every other caller until "
                        "someone releases it (lock release {} --force)",
                        quote_if_needed(keys.name), quote_if_needed(keys.name)));
    }
    EvictionPolicy policy = eviction_policy(ctx.client());
    if (!policy.name) {
        ctx.warn(fmt::format("eviction policy unknown (CONFIG GET maxmemory-policy: {})",
                             policy.unknown_because));
    } else if (policy.may_evict()) {
        ctx.warn(
            fmt::format("maxmemory-policy is {}: under memory pressure Redis may "
                        "evict a held lock",
                        *policy.name));
    }
    return kExitOk;
}

void setup_status(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<LockOptions>();
    CLI::App* sub = add_leaf(parent, "status", "Show a lock's holder, TTL and fencing counter", *o);
    sub->callback([&ctx, o] { ctx.action = [&ctx, o] { return run_status(ctx, *o); }; });
}

int run_command(Context& ctx, const LockOptions& o) {
    LockRunPlan plan;
    plan.keys = o.keys();
    require_positive(o.ttl, "--ttl");
    if (o.max_hold) require_positive(*o.max_hold, "--max-hold");
    plan.token = new_lock_token();
    plan.ttl = o.ttl;
    plan.wait = o.wait;
    plan.max_hold = o.max_hold;
    plan.grace = o.grace.value_or(default_grace(o.ttl));
    // In a terminal the command keeps the foreground group (job control, Ctrl-C);
    // elsewhere (cron, CI) it gets a group of its own so a lost lock stops all of it.
    plan.own_process_group = !::isatty(STDIN_FILENO);
    plan.argv = o.command;
    require_positive(o.fence_ttl, "--fence-ttl");
    plan.fence_ttl = o.fence_ttl;
    LockRunOutcome r =
        run_locked(*open_store(ctx, o), plan, [&ctx](std::string_view note) { ctx.warn(note); });
    switch (r.end) {
        case RunEnd::Busy:
            return busy(ctx, o, plan.keys, r.holder_ttl);
        case RunEnd::ExecFailed:
            ctx.err(fmt::format("redis-ops: cannot run {}\n", r.message));
            return r.status;
        case RunEnd::Lost:
            ctx.err("redis-ops: " + r.message + "\n");
            return kExitLockLost;
        case RunEnd::Exited:
            break;
    }
    return r.status;
}

void setup_run(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<LockOptions>();
    CLI::App* sub =
        add_leaf(parent, "run", "Hold a lock while a command runs: NAME -- CMD [ARG...]", *o);
    add_ttl(sub, *o, "Lock lifetime, renewed about every TTL/3 (default 30s)");
    add_duration(sub, "--wait", o->wait, "Wait this long for a busy lock (default 0: don't)");
    sub->add_option_function<std::string>(
           "--max-hold",
           [o](const std::string& v) { o->max_hold = parse_duration(v, "--max-hold"); },
           "Stop renewing after this long: the command is stopped and the exit is 5")
        ->type_name("DURATION");
    sub->add_option_function<std::string>(
           "--grace", [o](const std::string& v) { o->grace = parse_duration(v, "--grace"); },
           "Between SIGTERM and SIGKILL when the lock is lost (default TTL/4, at most 5s)")
        ->type_name("DURATION");
    add_conflict_code(sub, *o);
    add_fence_ttl(sub, *o);
    add_redlock(sub, *o);
    sub->add_option("command", o->command, "The command and its arguments, after --");
    sub->footer(
        "The command runs without a shell and gets REDIS_OPS_LOCK_TOKEN and "
        "REDIS_OPS_FENCING_TOKEN.\nExit: the command's status (128+N after signal N, "
        "126/127 if it cannot run), 1 busy, 3 unreachable, 5 lock lost.");
    sub->callback([&ctx, o] {
        if (o->command.empty()) {
            throw UsageError("lock run: missing command: lock run NAME [flags] -- CMD [ARG...]");
        }
        ctx.action = [&ctx, o] { return run_command(ctx, *o); };
    });
}

}  // namespace

void setup_lock(CLI::App& app, Context& ctx) {
    CLI::App* lock = app.add_subcommand(
        "lock", "Distributed locks: acquire, release, extend, status, and run a command under one");
    lock->require_subcommand(1);
    auto acl_prefix = std::make_shared<std::string>("lock:");
    lock->add_option("--prefix", *acl_prefix, "With --print-acl: the key prefix of the locks")
        ->capture_default_str();
    add_print_acl(lock, ctx, "redis-ops-lock", [acl_prefix] { return lock_acl(*acl_prefix); });
    setup_acquire(lock, ctx);
    setup_release(lock, ctx);
    setup_extend(lock, ctx);
    setup_status(lock, ctx);
    setup_run(lock, ctx);
    setup_lock_list(lock, ctx);
}

}  // namespace redisops
