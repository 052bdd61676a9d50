// The byte pipe under a Connection: a plain socket, or TLS over one (redis/tls.hpp).
// hiredis 0.14 has no TLS, so the project owns the socket and uses hiredis only to format
// commands and parse replies.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "redis/options.hpp"

namespace redisops {

using Clock = std::chrono::steady_clock;
using Deadline = std::optional<Clock::time_point>;

/// What a non-blocking read or write needs before it can go on.
enum class IoWait { None, Readable, Writable };

struct IoResult {
    ssize_t bytes = 0;  // > 0: transferred; 0 with wait None: the peer closed
    IoWait wait = IoWait::None;
};

/// Connection::over() takes any Transport: a test can hand it one of its own, and the TLS
/// transport (redis/tls.hpp) is one more implementation.
class Transport {
  public:
    virtual ~Transport() = default;
    virtual IoResult read_some(char* buf, size_t len) = 0;
    virtual IoResult write_some(const char* buf, size_t len) = 0;
    /// Bytes already decrypted and waiting, which poll() cannot see.
    virtual bool has_buffered() const { return false; }
    virtual int fd() const = 0;
};

/// Owns a connected non-blocking socket.
class SocketTransport : public Transport {
  public:
    explicit SocketTransport(int fd) : fd_(fd) {}
    ~SocketTransport() override;
    SocketTransport(const SocketTransport&) = delete;
    SocketTransport& operator=(const SocketTransport&) = delete;
    IoResult read_some(char* buf, size_t len) override;
    IoResult write_some(const char* buf, size_t len) override;
    int fd() const override { return fd_; }
    /// Gives up ownership (for a TLS transport that takes the socket over).
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }

  private:
    int fd_;
};

/// Connects a non-blocking TCP or Unix socket within the deadline; throws ConnectionError
/// naming the address.
std::unique_ptr<SocketTransport> connect_socket(const ServerAddress& addr, Deadline deadline);

/// Waits until fd is ready for `wait`; throws TimeoutError (naming `addr`) at the deadline.
void wait_ready(int fd, IoWait wait, Deadline deadline, const std::string& addr);

inline Deadline deadline_after(std::optional<Millis> timeout) {
    if (!timeout) return std::nullopt;
    return Clock::now() + *timeout;
}

}  // namespace redisops
