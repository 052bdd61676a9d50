#include "cache/signal_relay.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <stdexcept>

namespace redisops {

SignalRelay::SignalRelay() {
    sigemptyset(&set_);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set_, sig);
    if (::sigprocmask(SIG_BLOCK, &set_, &old_) != 0) throw std::runtime_error("sigprocmask failed");
    fd_ = ::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd_ < 0) {
        ::sigprocmask(SIG_SETMASK, &old_, nullptr);
        throw std::runtime_error("signalfd failed");
    }
}

SignalRelay::~SignalRelay() {
    ::close(fd_);
    ::sigprocmask(SIG_SETMASK, &old_, nullptr);
}

int SignalRelay::relay(const ChildProcess& child) {
    int last = 0;
    signalfd_siginfo info;
    while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        last = static_cast<int>(info.ssi_signo);
        if (child.pid() > 0) ::kill(-child.pid(), last);
    }
    return last;
}

}  // namespace redisops
