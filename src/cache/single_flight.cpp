#include "cache/single_flight.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "redis/errors.hpp"
#include "redis/pipeline.hpp"
#include "util/random.hpp"

namespace redisops {
namespace {

/// The payload of the next Pub/Sub message, or nullopt if none arrived within `timeout`.
/// Waits with poll() ourselves: a read_reply timeout would mark the connection broken.
std::optional<std::string> next_message(Connection& sub, Millis timeout) {
    if (!sub.reply_ready()) {
        pollfd pfd{sub.fd(), POLLIN, 0};
        int n = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
        if (n < 0 && errno != EINTR) throw ConnectionError("poll failed while waiting for Redis");
        if (n <= 0) return std::nullopt;
    }
    Reply r = sub.read_reply();
    if (r.is_array() && r.size() == 3 && r[0].str() == "message") return std::string(r[2].str());
    return std::nullopt;
}

}  // namespace

FlightLease::FlightLease(Client& client, const CacheKeys& keys, Millis ttl)
    : client_(client), keys_(keys), ttl_(ttl), token_(random_hex(16)) {}

FlightLease::~FlightLease() {
    if (!held_) return;
    try {
        release("");
    } catch (const std::exception&) {
        // Redis is gone; the lock expires on its own after ttl.
    }
}

bool FlightLease::try_acquire() {
    Reply r = client_.command_for_key(
        keys_.lock, {"SET", keys_.lock, token_, "NX", "PX", std::to_string(ttl_.count())});
    held_ = !r.is_nil();
    return held_;
}

bool FlightLease::extend() {
    static const Script extend_script("cache_lock_extend");
    Reply r = client_.eval(extend_script, {keys_.lock}, {token_, std::to_string(ttl_.count())});
    return r.integer() == 1;
}

void FlightLease::release(std::string_view message) {
    static const Script release_script("cache_lock_release");
    held_ = false;
    client_.eval(release_script, {keys_.lock}, {token_, keys_.channel, std::string(message)});
}

FlightNews wait_for_flight(Client& client, const CacheKeys& keys, Clock::time_point deadline,
                           Millis poll_every) {
    // A subscribed connection can do nothing else, so it is a second one, to the same node.
    Connection sub = client.open_connection(client.connection_for_key(keys.value).address());
    sub.command({"SUBSCRIBE", keys.channel});
    for (;;) {
        Pipeline p(client.connection_for_key(keys.value));
        p.add({"EXISTS", keys.value});
        p.add({"EXISTS", keys.lock});
        auto state = p.exec();
        if (state[0].check().integer() == 1) return {FlightOutcome::Ready};
        if (state[1].check().integer() == 0) return {FlightOutcome::Freed};
        auto now = Clock::now();
        if (now >= deadline) return {FlightOutcome::TimedOut};
        auto left = std::chrono::ceil<Millis>(deadline - now);
        auto message = next_message(sub, std::min(left, poll_every));
        if (!message) continue;
        if (*message == "ok") return {FlightOutcome::Ready};
        if (message->starts_with("fail ")) {
            int status = 1;
            try {
                status = std::stoi(message->substr(5));
            } catch (const std::exception&) {
            }
            return {FlightOutcome::Failed, status};
        }
    }
}

}  // namespace redisops
