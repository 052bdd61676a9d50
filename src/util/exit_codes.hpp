// The exit codes of redis-ops(1), in one place. src/ returns them only where a status is the
// result itself (a supervised child's status, a lost lock); errors become codes in cmd/main.cpp.
#pragma once

namespace redisops {

enum ExitCode : int {
    kExitOk = 0,
    kExitNegative = 1,  // busy, limited, not found, audit over thresholds
    kExitUsage = 2,
    kExitUnreachable = 3,
    kExitServerError = 4,
    kExitLockLost = 5,   // lock run: the lock was lost while the command ran
    kExitInternal = 70,  // a bug in redis-ops (EX_SOFTWARE)
    kExitOutput = 74,    // the output could not be written (EX_IOERR)
    kExitNotExecutable = 126,
    kExitNotFound = 127,
    kExitInterrupted = 130,  // 128 + SIGINT
    kExitBrokenPipe = 141,   // 128 + SIGPIPE
};

/// The shell's status for a death by signal N.
constexpr int exit_for_signal(int signal) { return 128 + signal; }

}  // namespace redisops
