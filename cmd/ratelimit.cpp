// ratelimit hit | status | reset: exact rate limits from the shell, decided on the server.
#include <nlohmann/json.hpp>

#include "choices.hpp"
#include "context.hpp"
#include "print_acl.hpp"
#include "ratelimit/rate_limit.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

struct RateLimitFlags {
    RateLimit rl;
    std::string algorithm = "sliding";
    std::optional<std::string> reset_algorithm;
};

void add_key_and_prefix(CLI::App* sub, RateLimitFlags& f) {
    sub->add_option("KEY", f.rl.key, "The limit's name (the key is <prefix>{KEY}:<algorithm>)")
        ->required();
    sub->add_option("--prefix", f.rl.prefix, "Key prefix")->capture_default_str();
}

void add_limit_flags(CLI::App* sub, RateLimitFlags& f) {
    add_key_and_prefix(sub, f);
    sub->add_option_function<std::string>(
           "--limit",
           [&f](const std::string& v) { f.rl.limit = parse_count(v, "--limit", 1, kMaxLimit); },
           "Units allowed per window (the burst, for gcra)")
        ->type_name("N")
        ->required();
    add_duration(sub, "--window", f.rl.window, "Window length, e.g. 1s, 20s, 1h")->required();
    sub->add_option("--algorithm", f.algorithm, described(kAlgorithms))
        ->capture_default_str()
        ->check(one_of(kAlgorithms));
    sub->add_option_function<std::string>(
           "--cost",
           [&f](const std::string& v) { f.rl.cost = parse_count(v, "--cost", 1, kMaxLimit); },
           "Units this hit consumes (default 1)")
        ->type_name("N");
}

std::string bool_text(bool b) { return b ? "true" : "false"; }

int print_decision(Context& ctx, const RateLimit& rl, const RateDecision& d) {
    if (ctx.style().json) {
        nlohmann::json doc = {
            {"allowed", d.allowed},
            {"limit", d.limit},
            {"remaining", d.remaining},
            {"retry_after_ms", d.retry_after_ms},
            {"reset_after_ms", d.reset_after_ms},
            {"algorithm", std::string(algorithm_name(rl.algorithm))},
            {"key", to_json_text(rl.key)},
            {"redis_key", to_json_text(d.redis_key)},
        };
        ctx.out(dump_json(doc) + "\n");
    } else {
        const auto& style = ctx.style();
        std::string text =
            "allowed: " +
            paint(style, d.allowed ? Color::Green : Color::Red, bool_text(d.allowed)) +
            "\nlimit: " + std::to_string(d.limit) + "\nremaining: " + std::to_string(d.remaining) +
            "\nretry_after_ms: " + std::to_string(d.retry_after_ms) +
            "\nreset_after_ms: " + std::to_string(d.reset_after_ms) +
            "\nalgorithm: " + std::string(algorithm_name(rl.algorithm)) +
            "\nkey: " + quote_if_needed(rl.key) + "\n";
        ctx.out(text);
    }
    return d.allowed ? kExitOk : kExitNegative;
}

/// `hit` (consume) or `status` (peek).
int run_decision(Context& ctx, const RateLimitFlags& f, bool consume) {
    RateLimit rl = f.rl;
    rl.algorithm = parse_algorithm(f.algorithm, "--algorithm");
    validate(rl);  // before connecting: bad input is exit 2 even with Redis down
    RateDecision d = consume ? hit(ctx.client(), rl) : peek(ctx.client(), rl);
    return print_decision(ctx, rl, d);
}

int run_reset(Context& ctx, const RateLimitFlags& f) {
    std::optional<Algorithm> a;
    if (f.reset_algorithm) a = parse_algorithm(*f.reset_algorithm, "--algorithm");
    limit_base(f.rl.prefix, f.rl.key);  // KEY errors before connecting
    auto deleted = reset(ctx.client(), f.rl.prefix, f.rl.key, a);
    if (ctx.style().json) {
        nlohmann::json keys = nlohmann::json::array();
        for (const auto& k : deleted) keys.push_back(to_json_text(k));
        ctx.out(
            dump_json(
                {{"key", to_json_text(f.rl.key)}, {"deleted", deleted.size()}, {"keys", keys}}) +
            "\n");
    } else {
        std::string text;
        for (const auto& k : deleted) text += "deleted " + quote_if_needed(k) + "\n";
        ctx.out(text + "deleted: " + std::to_string(deleted.size()) + "\n");
    }
    return kExitOk;
}

void setup_decision(CLI::App* parent, Context& ctx, const char* name, const char* help,
                    bool consume) {
    auto flags = std::make_shared<RateLimitFlags>();
    auto* sub = parent->add_subcommand(name, help);
    add_limit_flags(sub, *flags);
    sub->callback([&ctx, flags, consume] {
        ctx.action = [&ctx, flags, consume] { return run_decision(ctx, *flags, consume); };
    });
}

void setup_reset(CLI::App* parent, Context& ctx) {
    auto flags = std::make_shared<RateLimitFlags>();
    auto* sub = parent->add_subcommand("reset",
                                       "Delete a limit's state (every algorithm's "
                                       "unless --algorithm is given)");
    add_key_and_prefix(sub, *flags);
    sub->add_option("--algorithm", flags->reset_algorithm, "Only this algorithm's state")
        ->check(one_of(kAlgorithms));
    sub->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return run_reset(ctx, *flags); }; });
}

}  // namespace

void setup_ratelimit(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand(
        "ratelimit", "Exact rate limits on the server's clock (exit 0 allowed, 1 limited)");
    sub->require_subcommand(1);
    auto acl_prefix = std::make_shared<std::string>(RateLimit{}.prefix);
    sub->add_option("--prefix", *acl_prefix, "With --print-acl: the key prefix of the limits")
        ->capture_default_str();
    add_print_acl(sub, ctx, "redis-ops-ratelimit", [acl_prefix] {
        AclRules rules;
        rules.keys = {prefix_glob(*acl_prefix)};
        rules.add_commands(kRateLimitCommands);
        return rules;
    });
    setup_decision(sub, ctx, "hit", "Consume --cost units when they fit: exit 0 allowed, 1 limited",
                   true);
    setup_decision(sub, ctx, "status",
                   "Peek without consuming: exit 0 when a hit would be allowed, 1 otherwise",
                   false);
    setup_reset(sub, ctx);
}

}  // namespace redisops
