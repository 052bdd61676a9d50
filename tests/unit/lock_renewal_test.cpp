// The renewal loop of `lock run` (LeaseKeeper) driven by a fake clock, a fake lock store and a
// fake command: when it renews, when it gives up, and that it stops the command on a loss.
// The real thing against real servers is in tests/integration/lock_test.cpp.
#include <doctest/doctest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_clock.hpp"
#include "lock/renewal.hpp"
#include "redis/errors.hpp"
#include "util/exit_codes.hpp"

using namespace redisops;
using namespace std::chrono_literals;
using redisops::test::FakeClock;

namespace {

/// Answers extend() as the test scripts it and records when each renewal was sent.
class FakeLockStore : public LockStore {
  public:
    explicit FakeLockStore(FakeClock& clock) : clock_(clock) {}

    /// The answer to the n-th extend (from 1); may throw as a failed renewal does.
    std::function<Ownership(int)> answer = [](int) { return Ownership::Owned; };
    Millis latency{0};  // how long each extend takes (at most its budget, as the real store)
    std::vector<Millis> extend_sent;
    std::vector<Millis> budgets;
    int releases = 0;

    AcquireAttempt acquire(const LockKeys&, const std::string&, Millis, Millis,
                           const AcquireTerms&) override {
        AcquireAttempt a;
        a.acquired = true;
        a.fence = 1;
        a.sent_at = clock_.now();
        return a;
    }
    Ownership extend(const LockKeys&, const std::string&, Millis,
                     std::optional<Millis> budget) override {
        extend_sent.push_back(clock_.elapsed());
        budgets.push_back(budget.value_or(Millis(0)));
        clock_.advance(std::min(latency, budget.value_or(latency)));
        return answer(static_cast<int>(extend_sent.size()));
    }
    Ownership release(const LockKeys&, const std::string&, std::optional<Millis>) override {
        ++releases;
        return Ownership::Owned;
    }
    std::optional<std::string> force_release(const LockKeys&) override { return std::nullopt; }

  private:
    FakeClock& clock_;
};

/// Spawns nothing: "runs" until `exit_at` and exits with `exit_status`. Asked to stop, it
/// ends at once (SIGTERM), or at the kill time (SIGKILL) when it ignores SIGTERM.
class FakeCommand : public RunningCommand {
  public:
    explicit FakeCommand(FakeClock& clock) : clock_(clock) {}

    std::optional<Millis> exit_at;
    int exit_status = 0;
    bool ignores_term = false;
    std::optional<Millis> stop_requested_at;
    std::optional<Millis> kill_at;

    std::optional<int> wait_until(std::optional<SteadyTime> until) override {
        if (++wakeups_ > 100000) throw std::logic_error("the loop never ends");
        if (stop_requested_at) {
            if (!ignores_term) return exit_for_signal(SIGTERM);
            clock_.move_to(clock_.start() + *kill_at);
            killed_ = true;
            return exit_for_signal(SIGKILL);
        }
        std::optional<SteadyTime> end;
        if (exit_at) end = clock_.start() + *exit_at;
        if (!until && !end) throw std::logic_error("waits forever while nothing can happen");
        clock_.move_to(until && end ? std::min(*until, *end) : until ? *until : *end);
        if (end && clock_.now() >= *end) return exit_status;
        return std::nullopt;
    }
    void stop(SteadyTime kill_time) override {
        if (stop_requested_at) return;
        stop_requested_at = clock_.elapsed();
        kill_at = std::chrono::duration_cast<Millis>(kill_time - clock_.start());
    }
    bool killed() const override { return killed_; }

  private:
    FakeClock& clock_;
    bool killed_ = false;
    int wakeups_ = 0;
};

struct Rig {
    FakeClock clock;
    FakeLockStore store{clock};
    FakeCommand command{clock};
    std::vector<std::string> notices;
    RunNotice notice = [this](std::string_view n) { notices.emplace_back(n); };
    LockRunPlan plan;

    Rig(Millis ttl, Millis grace) {
        plan.keys = LockKeys::make("job", "lock:");
        plan.token = "tok";
        plan.ttl = ttl;
        plan.grace = grace;
        plan.argv = {"true"};
    }
    LockRunOutcome run() {
        LeaseKeeper keeper(store, clock, plan, notice, clock.now());
        return keeper.supervise(command);
    }
};

std::vector<Millis> every(Millis step, Millis until) {
    std::vector<Millis> v;
    for (Millis t = step; t < until; t += step) v.push_back(t);
    return v;
}

}  // namespace

TEST_CASE("lock run renews its lease every third of the TTL while the command runs") {
    Rig rig(3000ms, 750ms);
    rig.command.exit_at = 10000ms;
    LockRunOutcome out = rig.run();
    CHECK(out.end == RunEnd::Exited);
    CHECK(out.status == 0);
    CHECK(rig.store.extend_sent == every(1000ms, 10000ms));
    // Each renewal is bounded by its own short budget (TTL/10), not by the main timeouts.
    for (Millis b : rig.store.budgets) CHECK(b == 300ms);
    CHECK_FALSE(rig.command.stop_requested_at);
    CHECK(rig.store.releases == 1);
    CHECK(rig.notices.empty());
}

TEST_CASE("the command's own exit status is passed through and the lock is released") {
    Rig rig(30000ms, 5000ms);
    rig.command.exit_at = 500ms;
    rig.command.exit_status = 7;
    LockRunOutcome out = rig.run();
    CHECK(out.end == RunEnd::Exited);
    CHECK(out.status == 7);
    CHECK(rig.store.extend_sent.empty());
    CHECK(rig.store.releases == 1);
}

TEST_CASE("when renewals keep failing the command is stopped before the lease can end") {
    // The lease is counted as ending 1% + 2 ms early (clock drift, the server's start of the
    // TTL): for 10 s, at 9898 ms. SIGTERM goes out one grace before it, SIGKILL at it.
    Rig rig(10000ms, 1000ms);
    rig.command.exit_at = 60000ms;
    rig.command.ignores_term = true;
    rig.store.answer = [](int) -> Ownership { throw ConnectionError("connection refused"); };
    LockRunOutcome out = rig.run();
    CHECK(out.end == RunEnd::Lost);
    CHECK(out.status == kExitLockLost);
    REQUIRE(rig.command.stop_requested_at);
    CHECK(*rig.command.stop_requested_at == 8898ms);
    CHECK(*rig.command.kill_at == 9898ms);
    CHECK(rig.command.killed());
    CHECK(out.message.find("could not be renewed") != std::string::npos);
    CHECK(out.message.find("connection refused") != std::string::npos);
    CHECK(out.message.find("SIGKILL") != std::string::npos);
    // It kept retrying, and no try could run past the SIGTERM point.
    CHECK(rig.store.extend_sent.size() > 3);
    for (size_t i = 0; i < rig.store.extend_sent.size(); ++i) {
        CHECK(rig.store.extend_sent[i] + rig.store.budgets[i] <= 8898ms);
    }
    // One notice when renewing starts to fail, not one per retry.
    REQUIRE(rig.notices.size() == 1);
    CHECK(rig.notices[0].find("retrying") != std::string::npos);
    CHECK(rig.store.releases == 1);
}

TEST_CASE("a renewed lease counts from when the renewal was sent, not from its answer") {
    Rig rig(3000ms, 750ms);
    rig.command.exit_at = 60000ms;
    rig.store.latency = 200ms;
    rig.store.answer = [](int n) -> Ownership {
        if (n == 1) return Ownership::Owned;
        throw ConnectionError("timed out");
    };
    rig.run();
    REQUIRE(rig.command.stop_requested_at);
    // Renewed by the try sent at 1000 ms: safe until 1000 + 2968, SIGTERM one grace before.
    CHECK(*rig.command.stop_requested_at == 1000ms + 2968ms - 750ms);
}

TEST_CASE("a renewal that finds the lock gone or held by another token stops the command") {
    for (Ownership found : {Ownership::Missing, Ownership::Stranger}) {
        CAPTURE(static_cast<int>(found));
        Rig rig(3000ms, 750ms);
        rig.command.exit_at = 60000ms;
        rig.store.answer = [found](int n) { return n < 2 ? Ownership::Owned : found; };
        LockRunOutcome out = rig.run();
        CHECK(out.end == RunEnd::Lost);
        CHECK(out.status == kExitLockLost);
        REQUIRE(rig.command.stop_requested_at);
        CHECK(*rig.command.stop_requested_at == 2000ms);
        CHECK(*rig.command.kill_at == 2750ms);
        CHECK_FALSE(rig.command.killed());
        CHECK(out.message.find("SIGTERM") != std::string::npos);
        CHECK(out.message.find(found == Ownership::Missing ? "expired or was deleted"
                                                           : "another token") != std::string::npos);
        CHECK(rig.store.extend_sent.size() == 2);  // no renewal after the loss
        CHECK(rig.store.releases == 1);            // compare-and-delete: a new owner is safe
    }
}

TEST_CASE("renewals that fail and then work again keep the command running") {
    Rig rig(3000ms, 750ms);
    rig.command.exit_at = 5000ms;
    rig.store.answer = [](int n) -> Ownership {
        if (n <= 2) throw ReplyError("READONLY You can't write against a read only replica.");
        return Ownership::Owned;
    };
    LockRunOutcome out = rig.run();
    CHECK(out.end == RunEnd::Exited);
    CHECK_FALSE(rig.command.stop_requested_at);
    REQUIRE(rig.notices.size() == 2);
    CHECK(rig.notices[0].find("READONLY") != std::string::npos);
    CHECK(rig.notices[1].find("works again") != std::string::npos);
    // Retried after TTL/20, then back to TTL/3 from the renewal that worked.
    REQUIRE(rig.store.extend_sent.size() >= 4);
    CHECK(rig.store.extend_sent[0] == 1000ms);
    CHECK(rig.store.extend_sent[1] == 1150ms);
    CHECK(rig.store.extend_sent[2] == 1300ms);
    CHECK(rig.store.extend_sent[3] == 2300ms);
}

TEST_CASE("--max-hold stops the command at its limit even while renewals succeed") {
    Rig rig(3000ms, 750ms);
    rig.plan.max_hold = 2500ms;
    rig.command.exit_at = 60000ms;
    LockRunOutcome out = rig.run();
    CHECK(out.end == RunEnd::Lost);
    CHECK(out.status == kExitLockLost);
    CHECK(rig.store.extend_sent == std::vector<Millis>{1000ms, 2000ms});
    REQUIRE(rig.command.stop_requested_at);
    CHECK(*rig.command.stop_requested_at == 2500ms);
    CHECK(*rig.command.kill_at == 3250ms);
    CHECK(out.message.find("max-hold") != std::string::npos);
    CHECK(rig.store.releases == 1);
}

TEST_CASE("a --max-hold beyond the lease's end still kills by the lease's end") {
    Rig rig(3000ms, 750ms);
    rig.plan.max_hold = 2500ms;
    rig.command.exit_at = 60000ms;
    rig.command.ignores_term = true;
    rig.store.answer = [](int) -> Ownership { throw ConnectionError("down"); };
    rig.run();
    REQUIRE(rig.command.stop_requested_at);
    // Unrenewed since 0: safe until 2968 ms, so SIGTERM at 2218 ms comes before --max-hold.
    CHECK(*rig.command.stop_requested_at == 2218ms);
    CHECK(*rig.command.kill_at == 2968ms);
    CHECK(rig.command.killed());
}
