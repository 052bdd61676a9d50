#include "util/child.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace redisops {
namespace {

/// poll(2)'s timeout for a wake-up at `until`: rounded up, so we never wake just before it.
int poll_timeout(std::optional<SteadyTime> until) {
    if (!until) return -1;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*until - SteadyClock().now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, 60000));
}

}  // namespace

SignalInbox::SignalInbox() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGCHLD);
    for (int sig : kForwardedSignals) sigaddset(&set_, sig);
    if (::sigprocmask(SIG_BLOCK, &set_, &old_) != 0) throw std::runtime_error("sigprocmask failed");
    fd_ = ::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd_ < 0) {
        ::sigprocmask(SIG_SETMASK, &old_, nullptr);
        throw std::runtime_error("signalfd failed");
    }
}

SignalInbox::~SignalInbox() {
    ::close(fd_);
    ::sigprocmask(SIG_SETMASK, &old_, nullptr);
}

std::vector<signalfd_siginfo> SignalInbox::drain() {
    std::vector<signalfd_siginfo> got;
    signalfd_siginfo info;
    while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        got.push_back(info);
    }
    return got;
}

SupervisedChild::SupervisedChild(const SpawnOptions& opts)
    : child_(ChildProcess::spawn(opts)), own_group_(opts.new_process_group) {}

void SupervisedChild::signal_command(int sig) {
    if (child_.status()) return;
    ::kill(own_group_ ? -child_.pid() : child_.pid(), sig);
}

void SupervisedChild::read_stdout() {
    char buf[65536];
    ssize_t got = ::read(child_.stdout_fd(), buf, sizeof buf);
    if (got > 0) {
        output_.append(buf, static_cast<size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        child_.close_stdout();
    }
}

std::optional<int> SupervisedChild::wait_until(std::optional<SteadyTime> until) {
    const bool capturing = child_.stdout_fd() >= 0;
    if (child_.status() && !capturing) return child_.status();
    std::optional<SteadyTime> wake = until;
    if (stopping_ && !killed_) wake = wake ? std::min(*wake, kill_at_) : kill_at_;

    pollfd p[2] = {{inbox_.fd(), POLLIN, 0}, {child_.stdout_fd(), POLLIN, 0}};
    int n = ::poll(p, capturing ? 2 : 1, poll_timeout(wake));
    if (n < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
    for (const auto& info : inbox_.drain()) {
        int sig = static_cast<int>(info.ssi_signo);
        if (sig == SIGCHLD) continue;
        // A Ctrl-C from the terminal (SI_KERNEL) already reached a command that shares our
        // foreground group; passing it on would deliver it twice.
        if (info.ssi_code == SI_KERNEL && !own_group_) continue;
        signal_command(sig);
        last_forwarded_ = sig;
    }
    if (n > 0 && capturing && p[1].revents) read_stdout();

    if (!child_.status() && child_.try_wait() && stopping_ && own_group_) {
        // Stragglers in the group (a pipeline's other members) must not outlive a stop.
        ::kill(-child_.pid(), SIGKILL);
    }
    if (child_.status()) return child_.stdout_fd() >= 0 ? std::nullopt : child_.status();
    if (stopping_ && !killed_ && SteadyClock().now() >= kill_at_) {
        signal_command(SIGKILL);
        killed_ = true;
    }
    return std::nullopt;
}

void SupervisedChild::stop(SteadyTime kill_at) {
    if (stopping_) return;
    stopping_ = true;
    kill_at_ = kill_at;
    signal_command(SIGTERM);
}

}  // namespace redisops
