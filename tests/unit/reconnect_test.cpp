#include "stream/reconnect.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "redis/errors.hpp"

using namespace redisops;
using std::chrono::milliseconds;

namespace {

/// A sleeper that only records the waits, and a loop that records each loss.
struct Harness {
    StopFlag stop;
    std::vector<milliseconds> slept;
    std::vector<std::string> lost;
    std::vector<milliseconds> announced;
    ReconnectLoop loop{stop,
                       [this](std::string_view why, milliseconds wait) {
                           lost.emplace_back(why);
                           announced.push_back(wait);
                       },
                       Backoff{milliseconds(100), milliseconds(2000)},
                       [this](const StopFlag&, milliseconds d) { slept.push_back(d); }};
};

}  // namespace

TEST_CASE("a body that returns runs once and never waits") {
    Harness h;
    int runs = 0;
    CHECK(h.loop.run([&] { ++runs; }));
    CHECK(runs == 1);
    CHECK(h.slept.empty());
    CHECK(h.lost.empty());
}

TEST_CASE("lost connections are retried with a doubling backoff capped at the maximum") {
    Harness h;
    int runs = 0;
    CHECK(h.loop.run([&] {
        if (++runs <= 7) throw ClosedError("connection closed by the server");
    }));
    CHECK(runs == 8);
    std::vector<milliseconds> expected = {milliseconds(100), milliseconds(200),  milliseconds(400),
                                          milliseconds(800), milliseconds(1600), milliseconds(2000),
                                          milliseconds(2000)};
    CHECK(h.slept == expected);
    CHECK(h.announced == expected);  // the notice names the wait that follows it
    REQUIRE(h.lost.size() == 7);
    CHECK(h.lost[0] == "connection closed by the server");
}

TEST_CASE("a connected body starts the next outage at the first wait again") {
    Harness h;
    int runs = 0;
    CHECK(h.loop.run([&] {
        ++runs;
        if (runs == 4) h.loop.connected();  // reconnected, then lost again
        if (runs <= 5) throw TimeoutError("read timed out");
    }));
    CHECK(h.slept == std::vector<milliseconds>{milliseconds(100), milliseconds(200),
                                               milliseconds(400), milliseconds(100),
                                               milliseconds(200)});
}

TEST_CASE("transient error replies are retried, others end the run at once") {
    Harness h;
    int runs = 0;
    CHECK(h.loop.run([&] {
        ++runs;
        if (runs == 1) throw ReplyError("LOADING Redis is loading the dataset in memory");
        if (runs == 2) throw ReplyError("UNBLOCKED force unblock from blocking operation");
        if (runs == 3) throw ReplyError("READONLY You can't write against a read only replica.");
    }));
    CHECK(runs == 4);
    CHECK(h.slept.size() == 3);

    Harness g;
    runs = 0;
    CHECK_THROWS_WITH_AS(g.loop.run([&] {
        ++runs;
        throw ReplyError("WRONGTYPE Operation against a key holding the wrong kind of value");
    }),
                         "WRONGTYPE Operation against a key holding the wrong kind of value",
                         ReplyError);
    CHECK(runs == 1);
    CHECK(g.slept.empty());
    CHECK(g.lost.empty());
}

TEST_CASE("a stop requested while the body fails ends the run without a notice") {
    Harness h;
    CHECK_FALSE(h.loop.run([&] {
        h.stop.request(15);  // the signal shut the socket down under a read
        throw ClosedError("connection closed");
    }));
    CHECK(h.lost.empty());
    CHECK(h.slept.empty());
}

TEST_CASE("a stop requested during the wait ends the run before the body runs again") {
    StopFlag stop;
    int runs = 0, naps = 0;
    ReconnectLoop loop(
        stop, [](std::string_view, milliseconds) {}, Backoff{},
        [&](const StopFlag&, milliseconds) {
            ++naps;
            stop.request(2);  // SIGINT while waiting
        });
    CHECK_FALSE(loop.run([&] {
        ++runs;
        throw ClosedError("connection reset");
    }));
    CHECK(runs == 1);
    CHECK(naps == 1);
    CHECK(stop.signal() == 2);
}

TEST_CASE("a failure to announce the loss (output gone) ends the run") {
    StopFlag stop;
    int naps = 0;
    ReconnectLoop loop(
        stop, [](std::string_view, milliseconds) { throw OutputError("cannot write output", 28); },
        Backoff{}, [&](const StopFlag&, milliseconds) { ++naps; });
    CHECK_THROWS_AS(loop.run([] { throw ClosedError("lost"); }), OutputError);
    CHECK(naps == 0);
}
