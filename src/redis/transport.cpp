#include "redis/transport.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "redis/errors.hpp"

namespace redisops {
namespace {

int remaining_ms(Deadline deadline) {
    if (!deadline) return -1;
    auto left = std::chrono::duration_cast<Millis>(*deadline - Clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

/// Starts a non-blocking connect and waits for it; returns 0 or an errno.
int connect_fd(int fd, const sockaddr* sa, socklen_t len, Deadline deadline) {
    set_nonblocking(fd);
    if (::connect(fd, sa, len) == 0) return 0;
    if (errno != EINPROGRESS) return errno;
    pollfd p{fd, POLLOUT, 0};
    int left = remaining_ms(deadline);
    int rc;
    do {
        rc = ::poll(&p, 1, left);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) return ETIMEDOUT;
    int err = 0;
    socklen_t errlen = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen);
    return err;
}

}  // namespace

SocketTransport::~SocketTransport() {
    if (fd_ >= 0) ::close(fd_);
}

IoResult SocketTransport::read_some(char* buf, size_t len) {
    for (;;) {
        ssize_t n = ::read(fd_, buf, len);
        if (n >= 0) return {n, IoWait::None};
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return {0, IoWait::Readable};
        throw ClosedError(fmt::format("read failed: {}", std::strerror(errno)));
    }
}

IoResult SocketTransport::write_some(const char* buf, size_t len) {
    for (;;) {
        ssize_t n = ::send(fd_, buf, len, MSG_NOSIGNAL);
        if (n >= 0) return {n, IoWait::None};
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return {0, IoWait::Writable};
        throw ClosedError(fmt::format("write failed: {}", std::strerror(errno)));
    }
}

void wait_ready(int fd, IoWait wait, Deadline deadline, const std::string& addr) {
    pollfd p{fd, static_cast<short>(wait == IoWait::Writable ? POLLOUT : POLLIN), 0};
    for (;;) {
        int rc = ::poll(&p, 1, remaining_ms(deadline));
        if (rc > 0) return;
        if (rc == 0) throw TimeoutError(fmt::format("timed out waiting for Redis at {}", addr));
        if (errno != EINTR) {
            throw ClosedError(fmt::format("poll failed on {}: {}", addr, std::strerror(errno)));
        }
    }
}

std::unique_ptr<SocketTransport> connect_socket(const ServerAddress& addr, Deadline deadline) {
    if (addr.is_unix()) {
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        if (addr.unix_path.size() >= sizeof sa.sun_path) {
            throw UsageError(fmt::format("--socket: path too long: {}", addr.unix_path));
        }
        std::memcpy(sa.sun_path, addr.unix_path.c_str(), addr.unix_path.size() + 1);
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) throw ConnectionError(fmt::format("socket(): {}", std::strerror(errno)));
        auto t = std::make_unique<SocketTransport>(fd);
        int err = connect_fd(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa, deadline);
        if (err == ETIMEDOUT) {
            throw TimeoutError(fmt::format("timed out connecting to {}", addr.display()));
        }
        if (err) {
            throw ConnectionError(
                fmt::format("cannot connect to {}: {}", addr.display(), std::strerror(err)));
        }
        return t;
    }

    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    std::string port = std::to_string(addr.port);
    if (int rc = ::getaddrinfo(addr.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
        throw ConnectionError(
            fmt::format("cannot resolve {}: {}", addr.display(), ::gai_strerror(rc)));
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, ::freeaddrinfo);
    int last_err = 0;
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_err = errno;
            continue;
        }
        auto t = std::make_unique<SocketTransport>(fd);
        last_err = connect_fd(fd, ai->ai_addr, ai->ai_addrlen, deadline);
        if (last_err == 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
            return t;
        }
        if (last_err == ETIMEDOUT) break;
    }
    if (last_err == ETIMEDOUT) {
        throw TimeoutError(fmt::format("timed out connecting to {}", addr.display()));
    }
    throw ConnectionError(
        fmt::format("cannot connect to {}: {}", addr.display(), std::strerror(last_err)));
}

}  // namespace redisops
