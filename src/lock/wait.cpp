#include "lock/wait.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "redis/errors.hpp"

namespace redisops {
namespace {

/// poll(2) for readability of fd (or just sleep when fd < 0); EINTR counts as "look again".
bool readable_within(int fd, Millis timeout) {
    pollfd p{fd, POLLIN, 0};
    int rc = ::poll(fd >= 0 ? &p : nullptr, fd >= 0 ? 1 : 0,
                    static_cast<int>(std::max<long long>(timeout.count(), 0)));
    return rc > 0 || (rc < 0 && errno == EINTR);
}

}  // namespace

ReleaseNotices::ReleaseNotices(Client& client, const LockKeys& keys) {
    // Pub/Sub needs a connection of its own: once subscribed it can run nothing else.
    const ServerAddress addr = client.connection_for_key(keys.key).address();
    conn_.emplace(Connection::open(client.options(), addr));
    Reply confirm = conn_->command({"SUBSCRIBE", keys.channel});
    if (!confirm.is_array() || confirm.size() < 1 || confirm[0].str() != "subscribe") {
        throw ProtocolError("unexpected reply to SUBSCRIBE " + keys.channel);
    }
}

bool ReleaseNotices::wait(Millis timeout) {
    if (!conn_) {
        readable_within(-1, timeout);
        return false;
    }
    try {
        if (!conn_->reply_ready() && !readable_within(conn_->fd(), timeout)) return false;
        // Something arrived: read it, then everything else already here, so one burst of
        // releases costs one retry.
        do {
            conn_->read_reply(Millis(1000));
        } while (conn_->reply_ready() || readable_within(conn_->fd(), Millis(0)));
    } catch (const ConnectionError&) {
        // The subscription is gone (server restart, network): fall back to polling alone.
        conn_.reset();
    }
    return true;
}

AcquireAttempt acquire_waiting(Client& client, const LockKeys& keys, const std::string& token,
                               Millis ttl, Millis wait, const AcquireTerms& terms) {
    AcquireAttempt attempt = try_acquire(client, keys, token, ttl, terms);
    if (attempt.acquired || wait.count() <= 0) return attempt;

    const auto deadline = Clock::now() + wait;
    std::optional<ReleaseNotices> notices;
    try {
        notices.emplace(client, keys);
    } catch (const ConnectionError&) {
        // Subscribing failed but the main connection worked: poll alone.
    }
    for (;;) {
        // Retry after subscribing, so a release between the first try and SUBSCRIBE is seen.
        attempt = try_acquire(client, keys, token, ttl, terms);
        if (attempt.acquired) return attempt;
        auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
        if (left.count() <= 0) return attempt;
        Millis nap = std::min(left, kLockPollInterval);
        if (attempt.holder_ttl) nap = std::min(nap, *attempt.holder_ttl + Millis(1));
        if (notices) {
            notices->wait(nap);
        } else {
            readable_within(-1, nap);
        }
    }
}

}  // namespace redisops
