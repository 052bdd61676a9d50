#include "ratelimit/rate_limit.hpp"

#include <fmt/format.h>

#include "redis/errors.hpp"
#include "redis/scan_cursor.hpp"
#include "redis/script.hpp"
#include "util/random.hpp"
#include "util/text.hpp"

namespace redisops {
namespace {

const Script& script_for(Algorithm a) {
    static const Script sliding("ratelimit_sliding");
    static const Script fixed("ratelimit_fixed");
    static const Script gcra("ratelimit_gcra");
    switch (a) {
        case Algorithm::Sliding:
            return sliding;
        case Algorithm::Fixed:
            return fixed;
        case Algorithm::Gcra:
            return gcra;
    }
    throw std::logic_error("unknown algorithm");
}

/// A script error names the script and a line ("… script: <sha>, on @user_script:12."); the
/// user needs the key instead, e.g. for WRONGTYPE when a key of that name holds a hash.
[[noreturn]] void rethrow_naming(const ReplyError& e, std::string_view key) {
    std::string msg = e.server_message();
    if (auto at = msg.find(" script: "); at != std::string::npos) msg.erase(at);
    throw ReplyError(fmt::format("{} (key {})", msg, quote_if_needed(key)));
}

RateDecision parse_decision(const Reply& r, const RateLimit& rl, std::string key) {
    if (r.size() != 4) throw ReplyTypeError("rate limit script: expected 4 integers");
    RateDecision d;
    d.allowed = r[0].integer() == 1;
    d.limit = rl.limit;
    d.remaining = r[1].integer();
    d.retry_after_ms = r[2].integer();
    d.reset_after_ms = r[3].integer();
    d.redis_key = std::move(key);
    return d;
}

Args script_args(const RateLimit& rl, bool consume) {
    return {std::to_string(rl.limit), std::to_string(rl.window.count()), std::to_string(rl.cost),
            consume ? "hit" : "peek"};
}

/// The current window index by the server clock of the node that owns the limit.
long long server_window_index(Client& client, std::string_view routing_key,
                              std::chrono::milliseconds window) {
    Reply t = client.connection_for_key(routing_key).command({"TIME"});
    long long now_us =
        std::stoll(std::string(t[0].str())) * 1'000'000 + std::stoll(std::string(t[1].str()));
    return now_us / (window.count() * 1000);
}

RateDecision decide_fixed(Client& client, const RateLimit& rl, const std::string& base,
                          bool consume) {
    // The counter's name holds the window index, which depends on the time. The index is read
    // from the server's TIME first, and the script re-checks it against its own TIME: when a
    // window boundary passed in between, it touches nothing and names the new index.
    long long index = server_window_index(client, base, rl.window);
    for (int attempt = 0; attempt < 5; ++attempt) {
        std::string key = fixed_window_key(base, index);
        Args args = script_args(rl, consume);
        args.push_back(std::to_string(index));
        Reply r;
        try {
            r = client.eval(script_for(Algorithm::Fixed), {key}, args);
        } catch (const ReplyTypeError&) {
            throw;
        } catch (const ReplyError& e) {
            rethrow_naming(e, key);
        }
        if (r.size() == 2 && r[0].integer() == -1) {
            index = r[1].integer();
            continue;
        }
        return parse_decision(r, rl, std::move(key));
    }
    throw ReplyError(
        fmt::format("--window: a fixed window of {} ms kept ending before the script "
                    "ran; use a longer window",
                    rl.window.count()));
}

RateDecision decide(Client& client, const RateLimit& rl, bool consume) {
    validate(rl);
    std::string base = limit_base(rl.prefix, rl.key);
    if (rl.algorithm == Algorithm::Fixed) return decide_fixed(client, rl, base, consume);
    std::string key = state_key(base, rl.algorithm);
    Args args = script_args(rl, consume);
    // Log members must be unique even when two hosts hit in the same microsecond.
    if (rl.algorithm == Algorithm::Sliding) args.push_back(random_hex(8));
    try {
        return parse_decision(client.eval(script_for(rl.algorithm), {key}, args), rl, key);
    } catch (const ReplyTypeError&) {
        throw;
    } catch (const ReplyError& e) {
        rethrow_naming(e, key);
    }
}

}  // namespace

void validate(const RateLimit& rl) {
    if (rl.key.empty()) throw UsageError("KEY: must not be empty");
    long long max = rl.algorithm == Algorithm::Sliding ? kMaxSlidingLimit : kMaxLimit;
    if (rl.limit <= 0)
        throw UsageError(fmt::format("--limit: must be at least 1, not {}", rl.limit));
    if (rl.limit > max) {
        throw UsageError(fmt::format("--limit: {} is above {} for --algorithm {}{}", rl.limit, max,
                                     algorithm_name(rl.algorithm),
                                     rl.algorithm == Algorithm::Sliding
                                         ? " (its log keeps one entry per unit; use fixed or gcra)"
                                         : ""));
    }
    if (rl.window.count() <= 0) throw UsageError("--window: must be above zero");
    if (rl.cost <= 0) throw UsageError(fmt::format("--cost: must be at least 1, not {}", rl.cost));
    if (rl.cost > kMaxLimit) throw UsageError(fmt::format("--cost: {} is too large", rl.cost));
}

RateDecision hit(Client& client, const RateLimit& rl) { return decide(client, rl, true); }

RateDecision peek(Client& client, const RateLimit& rl) { return decide(client, rl, false); }

std::vector<std::string> reset(Client& client, std::string_view prefix, std::string_view key,
                               std::optional<Algorithm> algorithm) {
    std::string base = limit_base(prefix, key);
    std::vector<std::string> keys;
    for (Algorithm a : kAllAlgorithms) {
        if (algorithm && *algorithm != a) continue;
        if (a != Algorithm::Fixed) {
            keys.push_back(state_key(base, a));
            continue;
        }
        // Every window key shares the limit's slot, so the node owning it holds them all.
        Connection& node = client.connection_for_key(fixed_window_key(base, 0));
        ScanCursor cursor = ScanCursor::keys(
            {.match = fixed_window_pattern(base), .type = "string", .count = 1000});
        do {
            for (auto& k : cursor.next(node).strings()) keys.push_back(std::move(k));
        } while (!cursor.done());
    }
    std::vector<std::string> deleted;
    for (const auto& k : keys) {
        // SCAN may return a key twice; DEL answers 0 the second time.
        if (client.command_for_key(k, {"DEL", k}).integer() == 1) deleted.push_back(k);
    }
    return deleted;
}

}  // namespace redisops
