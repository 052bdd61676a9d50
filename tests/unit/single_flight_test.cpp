// The waiting side of cache fetch's single flight (join_flight, wait_for_flight) driven by a
// fake clock and a fake flight store: takeover, deadlines, and news from the computing caller.
// The real thing against real servers is in tests/integration/cache_test.cpp.
#include "cache/single_flight.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_clock.hpp"

using namespace redisops;
using namespace std::chrono_literals;
using redisops::test::FakeClock;

namespace {

/// Another caller holds the lock until `holder_until` (nullopt: for good); the value appears
/// at `value_at`; messages arrive at their times. Waiting for a message moves the clock.
class FakeFlightStore : public FlightStore {
  public:
    explicit FakeFlightStore(FakeClock& clock) : clock_(clock) {}

    bool holder = true;
    std::optional<Millis> holder_until;
    std::optional<Millis> value_at;
    struct Message {
        Millis at;
        std::string text;
    };
    std::deque<Message> messages;

    bool ours = false;
    int lock_tries = 0;
    int subscribes = 0;
    int looks_before_subscribing = 0;
    std::vector<Millis> waits;

    bool try_lock() override {
        ++lock_tries;
        if (ours || other_holds()) return false;
        ours = true;
        return true;
    }
    void subscribe() override { ++subscribes; }
    FlightState look() override {
        if (subscribes == 0) ++looks_before_subscribing;
        return {value_at && clock_.elapsed() >= *value_at, ours || other_holds()};
    }
    std::optional<std::string> next_message(Millis timeout) override {
        if (waits.size() > 100000) throw std::logic_error("the loop never ends");
        waits.push_back(timeout);
        const SteadyTime end = clock_.now() + timeout;
        if (!messages.empty() && clock_.start() + messages.front().at <= end) {
            clock_.move_to(clock_.start() + messages.front().at);
            std::string text = messages.front().text;
            messages.pop_front();
            return text;
        }
        clock_.move_to(end);
        return std::nullopt;
    }

  private:
    bool other_holds() const {
        return holder && (!holder_until || clock_.elapsed() < *holder_until);
    }
    FakeClock& clock_;
};

}  // namespace

TEST_CASE("the first caller to miss leads at once, without subscribing") {
    FakeClock clock;
    FakeFlightStore flight(clock);
    flight.holder = false;
    FlightNews news = join_flight(flight, clock, clock.now() + 20s, 250ms);
    CHECK(news.outcome == FlightOutcome::Lead);
    CHECK(flight.ours);
    CHECK(flight.subscribes == 0);
    CHECK(clock.elapsed() == 0ms);
}

TEST_CASE("a waiter takes over when the holder disappears without a result") {
    // The computing caller died: nothing is published, its lock just expires at 1.5 s.
    FakeClock clock;
    FakeFlightStore flight(clock);
    flight.holder_until = 1500ms;
    FlightNews news = join_flight(flight, clock, clock.now() + 20s, 250ms);
    CHECK(news.outcome == FlightOutcome::Lead);
    CHECK(flight.ours);
    CHECK(flight.lock_tries == 2);
    // Seen at the first poll after the expiry, not at the deadline.
    CHECK(clock.elapsed() >= 1500ms);
    CHECK(clock.elapsed() <= 1750ms);
}

TEST_CASE("a waiter's deadline is honoured: it gives up at the deadline and never sleeps past it") {
    FakeClock clock;
    FakeFlightStore flight(clock);  // held for good, never a value
    FlightNews news = join_flight(flight, clock, clock.now() + 300ms, 250ms);
    CHECK(news.outcome == FlightOutcome::TimedOut);
    CHECK_FALSE(flight.ours);
    CHECK(clock.elapsed() == 300ms);
    CHECK(flight.waits == std::vector<Millis>{250ms, 50ms});
}

TEST_CASE("a deadline already past gives up after one look") {
    FakeClock clock;
    FakeFlightStore flight(clock);
    FlightNews news = wait_for_flight(flight, clock, clock.now() - 1ms, 250ms);
    CHECK(news.outcome == FlightOutcome::TimedOut);
    CHECK(flight.waits.empty());
}

TEST_CASE("a waiter wakes on the holder's 'ok' without waiting for the next poll") {
    FakeClock clock;
    FakeFlightStore flight(clock);
    flight.value_at = 40ms;
    flight.messages.push_back({40ms, "ok"});
    FlightNews news = join_flight(flight, clock, clock.now() + 20s, 250ms);
    CHECK(news.outcome == FlightOutcome::Ready);
    CHECK(clock.elapsed() == 40ms);
}

TEST_CASE("a waiter hears the holder's failure with the command's exit status") {
    FakeClock clock;
    FakeFlightStore flight(clock);
    flight.messages.push_back({100ms, "fail 3"});
    FlightNews news = join_flight(flight, clock, clock.now() + 20s, 250ms);
    CHECK(news.outcome == FlightOutcome::Failed);
    CHECK(news.status == 3);
    CHECK_FALSE(flight.ours);
}

TEST_CASE("a lost 'ok' is covered by the poll") {
    FakeClock clock;
    FakeFlightStore flight(clock);
    flight.value_at = 600ms;  // stored, but the message never came
    FlightNews news = join_flight(flight, clock, clock.now() + 20s, 250ms);
    CHECK(news.outcome == FlightOutcome::Ready);
    CHECK(clock.elapsed() == 750ms);
}

TEST_CASE("a waiter subscribes before it looks, so a value stored meanwhile is not missed") {
    FakeClock clock;
    FakeFlightStore flight(clock);
    flight.value_at = 0ms;
    FlightNews news = wait_for_flight(flight, clock, clock.now() + 20s, 250ms);
    CHECK(news.outcome == FlightOutcome::Ready);
    CHECK(flight.subscribes == 1);
    CHECK(flight.looks_before_subscribing == 0);
    CHECK(flight.waits.empty());
}
