// A report file that is replaced whole or not at all: written to a temp file beside it, fsync'd,
// renamed over it, and the directory fsync'd. A textfile collector or a CI artifact step that
// reads the file at any moment sees the old report or the new one, never half of one. A
// symlink is followed: the file it points at is replaced and the link stays.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/output_sink.hpp"

namespace redisops {

class AtomicFileSink final : public OutputSink {
  public:
    /// Creates the temp file now (so an unwritable directory fails before any work is done).
    /// Throws OutputError naming `path`.
    explicit AtomicFileSink(std::string path);
    /// Without a successful close() the temp file is removed and `path` keeps what it held.
    ~AtomicFileSink() override;
    AtomicFileSink(const AtomicFileSink&) = delete;
    AtomicFileSink& operator=(const AtomicFileSink&) = delete;

    void write(std::string_view text) override;
    void flush() override;
    /// fsync, rename over the target, fsync the directory. Throws OutputError; on a failure
    /// before the rename the target is untouched.
    void close() override;

    const std::string& path() const { return path_; }
    const std::string& temp_path() const { return temp_; }

  private:
    [[noreturn]] void fail(const char* what, int errno_value);
    void discard() noexcept;

    std::string path_;    // as the user gave it, for messages
    std::string target_;  // path_ with symlinks followed: what the rename replaces
    std::string temp_;
    int fd_ = -1;
    std::optional<FdSink> file_;  // buffering and checked writes; fd_ is closed here
    bool committed_ = false;
};

}  // namespace redisops
