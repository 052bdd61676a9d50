#include "lock/run.hpp"

#include "lock/renewal.hpp"
#include "redis/errors.hpp"
#include "util/child.hpp"
#include "util/clock.hpp"
#include "util/units.hpp"

namespace redisops {

LockRunOutcome run_locked(LockStore& store, const LockRunPlan& plan, const RunNotice& notice) {
    if (plan.argv.empty()) throw UsageError("lock run: no command given after --");
    require_positive(plan.ttl, "--ttl");
    check_grace(plan.ttl, plan.grace);

    AcquireAttempt acquired = store.acquire(plan.keys, plan.token, plan.ttl, plan.wait,
                                            {holder_running(plan.argv), plan.fence_ttl});
    if (!acquired.acquired) {
        LockRunOutcome busy;
        busy.holder_ttl = acquired.holder_ttl;
        return busy;
    }
    const SteadyClock clock;
    LeaseKeeper keeper(store, clock, plan, notice, acquired.sent_at);
    SpawnOptions spawn;
    spawn.argv = plan.argv;
    spawn.env = {{"REDIS_OPS_LOCK_TOKEN", plan.token},
                 {"REDIS_OPS_FENCING_TOKEN", std::to_string(acquired.fence)}};
    spawn.new_process_group = plan.own_process_group;
    std::optional<SupervisedChild> child;
    try {
        child.emplace(spawn);
    } catch (...) {
        keeper.release_quietly();
        throw;
    }
    if (child->exec_error()) {
        keeper.release_quietly();
        LockRunOutcome failed;
        failed.end = RunEnd::ExecFailed;
        failed.status = *child->status();
        failed.fence = acquired.fence;
        failed.message = *child->exec_error();
        return failed;
    }
    LockRunOutcome out = keeper.supervise(*child);
    out.fence = acquired.fence;
    return out;
}

}  // namespace redisops
