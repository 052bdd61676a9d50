// Runs a command with execvp and no shell, the way flock(1) and timeout(1) do.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace redisops {

struct SpawnOptions {
    std::vector<std::string> argv;
    /// Added to (or replacing in) the inherited environment.
    std::vector<std::pair<std::string, std::string>> env;
    /// Pipe the child's stdout to the parent (stdout_fd()); otherwise it is inherited.
    bool capture_stdout = false;
    /// Start the child in a process group of its own (pgid = its pid), so that
    /// kill(-pid, sig) reaches everything it starts, grandchildren included.
    bool new_process_group = false;
};

/// Exit status in shell terms: the code, 128+N for signal N (exit_for_signal), 126/127 if exec
/// failed (kExitNotExecutable, kExitNotFound).
int shell_status(int wait_status);

class ChildProcess {
  public:
    /// Forks and execs. If exec fails the child reports errno through a close-on-exec pipe,
    /// and the process is already reaped with status kExitNotFound (127) or
    /// kExitNotExecutable (126): exec_error() then says why.
    static ChildProcess spawn(const SpawnOptions& opts);

    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&&) = delete;
    ~ChildProcess();

    pid_t pid() const { return pid_; }
    int stdout_fd() const { return stdout_fd_; }
    /// Closes our end of the stdout pipe (after reading it to EOF).
    void close_stdout();
    const std::optional<std::string>& exec_error() const { return exec_error_; }

    void signal(int sig) const;
    /// Non-blocking reap; the shell status once the child has exited.
    std::optional<int> try_wait();
    /// Blocks until the child exits (EINTR-safe).
    int wait();
    std::optional<int> status() const { return status_; }

  private:
    ChildProcess() = default;
    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    std::optional<int> status_;
    std::optional<std::string> exec_error_;
};

}  // namespace redisops
