#include "util/output_sink.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/errors.hpp"

namespace redisops {
namespace {

constexpr size_t kBufferLimit = size_t{64} * 1024;

/// Writes `data` with `write_fn`, over short writes and EINTR. Returns 0, or the errno that
/// stopped it with `done` bytes written.
int write_fully(WriteFn write_fn, int fd, std::string_view data, size_t& done) {
    done = 0;
    while (done < data.size()) {
        ssize_t n = write_fn(fd, data.data() + done, data.size() - done);
        if (n > 0) {
            done += static_cast<size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // A stdout shared with a parent that made it non-blocking: wait until it drains.
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, -1) < 0 && errno != EINTR) return errno;
        } else {
            // write(2) returns 0 only for an empty request; treat it as a device that takes
            // nothing, not as a reason to spin.
            return n == 0 ? EIO : errno;
        }
    }
    return 0;
}

[[noreturn]] void throw_for(int errno_value) {
    if (errno_value == EPIPE) throw BrokenPipe();
    throw OutputError(errno_value);
}

}  // namespace

OutputError::OutputError(int errno_value)
    : Error(std::string("cannot write output: ") + std::strerror(errno_value)),
      errno_(errno_value) {}

void write_all(int fd, std::string_view data) {
    size_t done = 0;
    if (int e = write_fully(::write, fd, data, done)) throw_for(e);
}

FdSink::FdSink(int fd, WriteFn write_fn) : fd_(fd), write_fn_(write_fn ? write_fn : ::write) {
    // `redis-ops … >&-`: the first socket would get fd 1 and the output would go to Redis.
    if (::fcntl(fd_, F_GETFD) == -1 && errno == EBADF) {
        int placeholder = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (placeholder >= 0 && placeholder != fd_) {
            ::dup3(placeholder, fd_, O_CLOEXEC);
            ::close(placeholder);
        }
    }
}

void FdSink::fail(int errno_value) {
    if (error_ == 0) error_ = errno_value;
    throw_for(error_);
}

void FdSink::write_through(std::string_view data) {
    size_t done = 0;
    if (int e = write_fully(write_fn_, fd_, data, done)) fail(e);
}

void FdSink::write(std::string_view text) {
    if (error_) fail(error_);
    if (closed_) throw OutputError("cannot write output: already closed", EBADF);
    if (buffer_.size() + text.size() > kBufferLimit) {
        flush();
        if (text.size() >= kBufferLimit) {
            write_through(text);  // a big report goes out without a copy
            return;
        }
    }
    buffer_.append(text);
}

void FdSink::flush() {
    if (error_) fail(error_);
    if (buffer_.empty()) return;
    size_t done = 0;
    int e = write_fully(write_fn_, fd_, buffer_, done);
    // clear() keeps the capacity: a tail printing line by line allocates once.
    buffer_.clear();
    if (e) fail(e);
}

void FdSink::close() {
    if (closed_) return;
    flush();
    closed_ = true;
    // close() is where NFS reports a delayed write error. EINTR leaves the fd closed on Linux.
    if (::close(fd_) != 0 && errno != EINTR) fail(errno);
}

}  // namespace redisops
