#include "cache/single_flight.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "redis/errors.hpp"
#include "redis/pipeline.hpp"
#include "util/random.hpp"

namespace redisops {

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

bool RedisFlightStore::try_lock() {
    if (!lease_.try_acquire()) return false;
    sub_.reset();
    return true;
}

void RedisFlightStore::subscribe() {
    if (sub_) return;
    sub_.emplace(client_.open_connection(client_.connection_for_key(keys_.value).address()));
    sub_->command({"SUBSCRIBE", keys_.channel});
}

FlightState RedisFlightStore::look() {
    Pipeline p(client_.connection_for_key(keys_.value));
    p.add({"EXISTS", keys_.value});
    p.add({"EXISTS", keys_.lock});
    auto state = p.exec();
    return {state[0].check().integer() == 1, state[1].check().integer() == 1};
}

std::optional<std::string> RedisFlightStore::next_message(Millis timeout) {
    subscribe();
    // Waits with poll() ourselves: a read_reply timeout would mark the connection broken.
    if (!sub_->reply_ready()) {
        pollfd pfd{sub_->fd(), POLLIN, 0};
        int n = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
        if (n < 0 && errno != EINTR) throw ConnectionError("poll failed while waiting for Redis");
        if (n <= 0) return std::nullopt;
    }
    Reply r = sub_->read_reply();
    if (r.is_array() && r.size() == 3 && r[0].str() == "message") return std::string(r[2].str());
    return std::nullopt;
}

FlightNews wait_for_flight(FlightStore& flight, const MonotonicClock& clock, SteadyTime deadline,
                           Millis poll_every) {
    flight.subscribe();
    for (;;) {
        FlightState state = flight.look();
        if (state.value_stored) return {FlightOutcome::Ready};
        if (!state.lock_held) return {FlightOutcome::Freed};
        auto now = clock.now();
        if (now >= deadline) return {FlightOutcome::TimedOut};
        auto left = std::chrono::ceil<Millis>(deadline - now);
        auto message = flight.next_message(std::min(left, poll_every));
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

FlightNews join_flight(FlightStore& flight, const MonotonicClock& clock, SteadyTime deadline,
                       Millis poll_every) {
    for (;;) {
        if (flight.try_lock()) return {FlightOutcome::Lead};
        FlightNews news = wait_for_flight(flight, clock, deadline, poll_every);
        if (news.outcome != FlightOutcome::Freed) return news;
        // Freed at the deadline: one last try above, then give up.
        if (clock.now() >= deadline) {
            if (flight.try_lock()) return {FlightOutcome::Lead};
            return {FlightOutcome::TimedOut};
        }
    }
}

}  // namespace redisops
