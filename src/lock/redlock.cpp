#include "lock/redlock.hpp"

#include <poll.h>

#include <algorithm>
#include <exception>
#include <thread>

#include "lock/renewal.hpp"
#include "redis/errors.hpp"
#include "util/random.hpp"

namespace redisops {
namespace {

/// A random pause before retrying a failed quorum, so contenders do not keep splitting votes.
Millis retry_pause() {
    unsigned char b = static_cast<unsigned char>(random_bytes(1)[0]);
    return Millis(50 + b * 100 / 255);
}

}  // namespace

std::vector<ConnectionOptions> parse_redlock_urls(std::string_view list) {
    std::vector<ConnectionOptions> out;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        std::string_view url = list.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (url.empty()) throw UsageError("--redlock: empty URL in the list");
        try {
            out.push_back(parse_url(url));
        } catch (const UsageError& e) {
            throw UsageError(std::string("--redlock: ") + e.what());
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (out.size() < 3) {
        throw UsageError("--redlock: needs at least 3 independent masters (URL,URL,URL)");
    }
    return out;
}

Redlock::Redlock(const std::vector<ConnectionOptions>& instances, Millis per_instance)
    : per_instance_(per_instance) {
    for (auto o : instances) {
        o.connect_timeout = per_instance;
        o.command_timeout = per_instance;
        clients_.emplace_back(std::move(o));
    }
}

template <typename F>
auto Redlock::on_each(const std::string& key, std::optional<Millis> budget, F&& call)
    -> std::vector<std::optional<decltype(call(std::declval<Client&>()))>> {
    // All instances at once (one thread each), as the spec asks: the time spent, and so the
    // validity lost, is that of the slowest instance, not the sum.
    std::vector<std::optional<decltype(call(std::declval<Client&>()))>> answers(clients_.size());
    std::vector<std::exception_ptr> bugs(clients_.size());
    const Millis limit = budget ? std::min(*budget, per_instance_) : per_instance_;
    std::vector<std::thread> askers;
    for (size_t i = 0; i < clients_.size(); ++i) {
        askers.emplace_back([&, i] {
            try {
                clients_[i].connection_for_key(key).set_command_timeout(limit);
                answers[i] = call(clients_[i]);
            } catch (const Error&) {
                // Down, slow or refusing: this instance does not vote; reconnect next time.
                clients_[i].reset();
            } catch (...) {
                bugs[i] = std::current_exception();
            }
        });
    }
    for (auto& t : askers) t.join();
    for (const auto& bug : bugs) {
        if (bug) std::rethrow_exception(bug);
    }
    return answers;
}

AcquireAttempt Redlock::try_once(const LockKeys& keys, const std::string& token, Millis ttl,
                                 const AcquireTerms& terms) {
    const auto started = Clock::now();
    // Each granting instance records the holder in its own acquire script.
    auto answers = on_each(keys.key, std::nullopt,
                           [&](Client& c) { return try_acquire(c, keys, token, ttl, terms); });
    size_t granted = 0, answered = 0;
    long long fence = 0;
    AcquireAttempt result;
    result.sent_at = started;
    for (const auto& a : answers) {
        if (!a) continue;
        ++answered;
        if (a->acquired) {
            ++granted;
            fence = std::max(fence, a->fence);
        } else if (!result.holder_ttl || (a->holder_ttl && *a->holder_ttl > *result.holder_ttl)) {
            result.holder_ttl = a->holder_ttl;
        }
    }
    const auto elapsed = std::chrono::duration_cast<Millis>(Clock::now() - started);
    const Millis validity = ttl - elapsed - RenewalTiming{ttl, Millis(0)}.drift();
    if (granted >= quorum() && validity.count() > 0) {
        // Keep the granting instances' counters in step (see the header).
        on_each(keys.key, std::nullopt, [&](Client& c) {
            static const Script floor("lock_fence_floor");
            return c
                .eval(floor, {keys.fence_key},
                      {std::to_string(fence), std::to_string(terms.fence_ttl.count())})
                .integer();
        });
        result.acquired = true;
        result.fence = fence;
        return result;
    }
    // No grant: undo the partial one at once, as the spec asks, so the lock frees up.
    if (granted > 0)
        on_each(keys.key, std::nullopt,
                [&](Client& c) { return redisops::release(c, keys, token); });
    if (answered < quorum()) {
        throw ConnectionError("Redlock: only " + std::to_string(answered) + " of " +
                              std::to_string(size()) + " instances answered; " +
                              std::to_string(quorum()) + " are needed");
    }
    return result;
}

AcquireAttempt Redlock::acquire(const LockKeys& keys, const std::string& token, Millis ttl,
                                Millis wait, const AcquireTerms& terms) {
    const auto deadline = Clock::now() + wait;
    for (;;) {
        AcquireAttempt a = try_once(keys, token, ttl, terms);
        if (a.acquired) return a;
        auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
        if (left.count() <= 0) return a;
        // Independent masters have no shared channel to announce a release: poll, jittered.
        ::poll(nullptr, 0, static_cast<int>(std::min(left, retry_pause()).count()));
    }
}

Ownership Redlock::tally(const std::vector<std::optional<Ownership>>& votes,
                         const char* what) const {
    size_t owned = 0, missing = 0, stranger = 0;
    for (const auto& v : votes) {
        if (!v) continue;
        if (*v == Ownership::Owned) ++owned;
        if (*v == Ownership::Missing) ++missing;
        if (*v == Ownership::Stranger) ++stranger;
    }
    if (owned >= quorum()) return Ownership::Owned;
    if (owned + missing + stranger < quorum()) {
        throw ConnectionError(std::string("Redlock ") + what + ": only " +
                              std::to_string(owned + missing + stranger) + " of " +
                              std::to_string(size()) + " instances answered");
    }
    return stranger > missing ? Ownership::Stranger : Ownership::Missing;
}

Ownership Redlock::extend(const LockKeys& keys, const std::string& token, Millis ttl,
                          std::optional<Millis> budget) {
    const auto started = Clock::now();
    auto votes =
        on_each(keys.key, budget, [&](Client& c) { return redisops::extend(c, keys, token, ttl); });
    Ownership o = tally(votes, "extend");
    const auto elapsed = std::chrono::duration_cast<Millis>(Clock::now() - started);
    if (o == Ownership::Owned && elapsed + RenewalTiming{ttl, Millis(0)}.drift() >= ttl) {
        return Ownership::Missing;  // extended, but too late to count on it
    }
    return o;
}

Ownership Redlock::release(const LockKeys& keys, const std::string& token,
                           std::optional<Millis> budget) {
    auto votes =
        on_each(keys.key, budget, [&](Client& c) { return redisops::release(c, keys, token); });
    bool any_owned = false, any_answer = false, any_stranger = false;
    for (const auto& v : votes) {
        if (!v) continue;
        any_answer = true;
        any_owned = any_owned || *v == Ownership::Owned;
        any_stranger = any_stranger || *v == Ownership::Stranger;
    }
    if (!any_answer) throw ConnectionError("Redlock release: no instance answered");
    if (any_owned) return Ownership::Owned;
    return any_stranger ? Ownership::Stranger : Ownership::Missing;
}

std::optional<std::string> Redlock::force_release(const LockKeys& keys) {
    auto removed = on_each(keys.key, std::nullopt,
                           [&](Client& c) { return redisops::force_release(c, keys); });
    std::optional<std::string> first;
    bool any_answer = false;
    for (const auto& r : removed) {
        if (!r) continue;
        any_answer = true;
        if (*r && !first) first = **r;
    }
    if (!any_answer) throw ConnectionError("Redlock release: no instance answered");
    return first;
}

}  // namespace redisops
