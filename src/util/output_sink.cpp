#include "util/output_sink.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/errors.hpp"

namespace redisops {
namespace {

constexpr size_t kBufferLimit = 64 * 1024;

}  // namespace

OutputError::OutputError(int errno_value)
    : Error(std::string("cannot write output: ") + std::strerror(errno_value)),
      errno_(errno_value) {}

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n >= 0) {
            data.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        if (errno == EINTR) continue;
        if (errno == EPIPE) throw BrokenPipe();
        throw OutputError(errno);
    }
}

FdSink::FdSink(int fd) : fd_(fd) {}

void FdSink::write(std::string_view text) {
    if (closed_) throw OutputError("cannot write output: already closed", EBADF);
    if (buffer_.size() + text.size() > kBufferLimit) {
        flush();
        if (text.size() >= kBufferLimit) {
            write_all(fd_, text);
            return;
        }
    }
    buffer_.append(text);
}

void FdSink::flush() {
    if (buffer_.empty()) return;
    std::string pending;
    pending.swap(buffer_);
    write_all(fd_, pending);
}

void FdSink::close() {
    if (closed_) return;
    flush();
    closed_ = true;
    // close() is where NFS reports a delayed write error.
    if (::close(fd_) != 0 && errno != EINTR) throw OutputError(errno);
}

}  // namespace redisops
