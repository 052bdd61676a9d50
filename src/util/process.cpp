#include "util/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "util/exit_codes.hpp"

namespace redisops {

int shell_status(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return exit_for_signal(WTERMSIG(wait_status));
    return 1;
}

ChildProcess ChildProcess::spawn(const SpawnOptions& opts) {
    if (opts.argv.empty()) throw std::invalid_argument("no command to run");
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    int out[2] = {-1, -1};
    if (opts.capture_stdout && ::pipe2(out, O_CLOEXEC) != 0) {
        ::close(report[0]);
        ::close(report[1]);
        throw std::runtime_error("pipe2 failed");
    }
    // Everything the child needs is built before fork: only async-signal-safe calls after.
    std::vector<char*> argv;
    for (const auto& a : opts.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        if (opts.new_process_group) ::setpgid(0, 0);
        ::close(report[0]);
        if (opts.capture_stdout) {
            ::dup2(out[1], STDOUT_FILENO);
            ::close(out[0]);
        }
        // Signals the parent ignores or blocks must not leak into the command.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD}) ::signal(sig, SIG_DFL);
        for (const auto& [k, v] : opts.env) ::setenv(k.c_str(), v.c_str(), 1);
        ::execvp(argv[0], argv.data());
        int err = errno;
        ssize_t ignored = ::write(report[1], &err, sizeof err);
        (void)ignored;
        ::_exit(err == ENOENT ? kExitNotFound : kExitNotExecutable);
    }
    ::close(report[1]);
    // Also from the parent, so the group exists before spawn() returns (whichever runs first).
    if (opts.new_process_group) ::setpgid(pid, pid);
    ChildProcess child;
    child.pid_ = pid;
    if (opts.capture_stdout) {
        ::close(out[1]);
        child.stdout_fd_ = out[0];
    }
    int err = 0;
    ssize_t n;
    do {
        n = ::read(report[0], &err, sizeof err);
    } while (n < 0 && errno == EINTR);
    ::close(report[0]);
    if (n == sizeof err) {
        child.exec_error_ = opts.argv[0] + ": " + std::strerror(err);
        child.wait();
    }
    return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      status_(other.status_),
      exec_error_(std::move(other.exec_error_)) {}

ChildProcess::~ChildProcess() {
    close_stdout();
    // A child still running when we unwind (an exception) is not left orphaned.
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        wait();
    }
}

void ChildProcess::close_stdout() {
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    stdout_fd_ = -1;
}

void ChildProcess::signal(int sig) const {
    if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::try_wait() {
    if (status_ || pid_ <= 0) return status_;
    int ws = 0;
    pid_t r = ::waitpid(pid_, &ws, WNOHANG);
    if (r == pid_) status_ = shell_status(ws);
    return status_;
}

int ChildProcess::wait() {
    if (status_) return *status_;
    int ws = 0;
    pid_t r;
    do {
        r = ::waitpid(pid_, &ws, 0);
    } while (r < 0 && errno == EINTR);
    status_ = r == pid_ ? shell_status(ws) : 1;
    return *status_;
}

}  // namespace redisops
