// `lock run`: hold a lock while a command runs. Acquire, exec the command without a shell,
// renew at about TTL/3, forward signals, release when it exits; and if the lease is lost or
// cannot be renewed in time, stop the command (TERM, then KILL) before the TTL ends.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lock/store.hpp"

namespace redisops {

struct LockRunPlan {
    LockKeys keys;
    std::string token;
    Millis ttl{30000};
    Millis wait{0};
    std::optional<Millis> max_hold;  // stop renewing (and stop the command) after this long
    Millis grace{5000};              // SIGTERM to SIGKILL
    /// Run the command in a process group of its own and signal the whole group, so nothing
    /// it started outlives a lost lock. Off when it must stay in the terminal's foreground.
    bool own_process_group = true;
    std::vector<std::string> argv;
    /// The fence counter's TTL; the holder is this process running argv.
    Millis fence_ttl = kDefaultFenceTtl;
};

enum class RunEnd {
    Busy,        // not acquired within --wait; the command never ran
    Exited,      // the command ran to its end (status: its shell status)
    ExecFailed,  // the command could not be run (status 126/127); the lock was released
    Lost,        // the lock was lost or --max-hold ran out; the command was stopped
};

struct LockRunOutcome {
    RunEnd end = RunEnd::Busy;
    int status = 0;
    long long fence = 0;
    std::optional<Millis> holder_ttl;  // Busy: the holder's TTL
    std::string message;               // ExecFailed and Lost: why, for the user
};

/// Things the user should hear about while the command runs (a renewal failed and is being
/// retried, the release at the end failed); the caller decides where they go.
using RunNotice = std::function<void(std::string_view)>;

/// Redis being unreachable before the command starts throws ConnectionError (nothing ran).
/// Works the same over one deployment or a Redlock quorum.
LockRunOutcome run_locked(LockStore& store, const LockRunPlan& plan, const RunNotice& notice);

}  // namespace redisops
