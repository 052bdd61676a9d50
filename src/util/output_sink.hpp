// The one write path for a command's output. Every write, the final flush and the close are
// checked: a failure throws OutputError (exit 74) and a reader that went away throws BrokenPipe
// (exit 141, quietly), so a truncated report can never end in success.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace redisops {

class OutputSink {
  public:
    virtual ~OutputSink() = default;
    /// Queues `text`; it may be written at once or on the next flush().
    virtual void write(std::string_view text) = 0;
    /// Writes everything queued; returns only when the kernel has it.
    virtual void flush() = 0;
    /// Flushes and ends the output; checks the close itself (NFS reports errors there).
    virtual void close() = 0;
};

/// A test's stand-in for write(2), to make it write short or fail; nullptr is write(2).
using WriteFn = ssize_t (*)(int fd, const void* data, size_t size);

/// A file descriptor, stdout by default: buffered up to 64 KiB, write(2) looping over short
/// writes and EINTR. After a failure every later call throws the same error, so nothing is
/// written past a gap.
class FdSink final : public OutputSink {
  public:
    /// A closed `fd` is held open on /dev/null (read-only) so that no socket opened later takes
    /// its number and receives the output; writes to it then fail with EBADF.
    explicit FdSink(int fd, WriteFn write_fn = nullptr);
    FdSink(const FdSink&) = delete;
    FdSink& operator=(const FdSink&) = delete;

    void write(std::string_view text) override;
    void flush() override;
    void close() override;

  private:
    [[noreturn]] void fail(int errno_value);
    void write_through(std::string_view data);

    int fd_;
    WriteFn write_fn_;
    bool closed_ = false;
    int error_ = 0;  // the errno of the first failure
    std::string buffer_;
};

/// write(2) all of `data` to `fd`; throws OutputError or BrokenPipe.
void write_all(int fd, std::string_view data);

}  // namespace redisops
