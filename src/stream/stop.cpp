#include "stream/stop.hpp"

#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <thread>

namespace redisops {

void StopFlag::request(int signal) noexcept {
    signal_.store(signal);
    requested_.store(true);
    // After requested_ is set: a reader that watches its fd later sees the flag before it
    // blocks; one that watched earlier is woken here.
    int fd = fd_.load();
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

namespace {
StopFlag* g_stop = nullptr;  // a signal handler can only reach a global
void on_signal(int sig) {
    if (g_stop) g_stop->request(sig);
}
}  // namespace

void stop_on_signals(StopFlag& stop) {
    g_stop = &stop;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

void nap(const StopFlag& stop, std::chrono::milliseconds d) {
    using std::chrono::milliseconds;
    auto until = std::chrono::steady_clock::now() + d;
    while (!stop.requested()) {
        auto left =
            std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0) return;
        std::this_thread::sleep_for(std::min(left, milliseconds(50)));
    }
}

}  // namespace redisops
