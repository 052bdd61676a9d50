// The undo log of `expire`: JSON Lines, one change per line, written and synced to disk before
// the change is sent, so a crash leaves at most lines for changes that never happened (undo
// finds their keys' expiry differs and leaves them).
//
//   {"key":"user:1","node":"127.0.0.1:6379","old_pttl_ms":-1,"old_expire_at_ms":-1,
//    "new_expire_at_ms":1767225600000}
//
// `key` is the key as JSON text. A key that is not valid UTF-8 cannot be a JSON string as it
// is: `key` then holds a readable rendering (each stray byte as U+0080..U+00FF) and `key_b64`
// the exact bytes (URL-safe base64, no padding), which undo uses. `old_expire_at_ms` is the
// exact absolute expiry read with PEXPIRETIME (-1: none); `old_pttl_ms` the same relative to
// the server's TIME of that batch, for people.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace redisops {

struct UndoRecord {
    std::string key;
    std::string node;
    long long old_pttl_ms = -1;
    long long old_expire_at_ms = -1;  // -1: the key had no expiry
    long long new_expire_at_ms = 0;
};

/// One line, with its '\n'.
std::string undo_line(const UndoRecord& r);
/// Parses one line (without its '\n'); throws UsageError saying what is wrong with it.
UndoRecord parse_undo_line(std::string_view line);

/// The log file, opened for a new run: an existing file is refused (a log is never
/// overwritten nor mixed with another run's). Safe to append from several threads.
class UndoLogWriter {
  public:
    /// Throws UsageError when `path` exists, OutputError when it cannot be created.
    explicit UndoLogWriter(std::string path);
    ~UndoLogWriter();
    UndoLogWriter(const UndoLogWriter&) = delete;
    UndoLogWriter& operator=(const UndoLogWriter&) = delete;

    /// write(2) all of `lines`, then fdatasync: on return they are on disk. OutputError on any
    /// failure, after which every further append fails too.
    void append(std::string_view lines);
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    int fd_ = -1;
    bool failed_ = false;
    std::mutex mutex_;
};

/// What a pass over an undo log found before anything is restored.
struct UndoLogScan {
    uint64_t records = 0;
    /// The last line was cut short (no '\n' and not a whole record): a crash mid-write. Its
    /// change was never sent (lines are synced before their commands), so it is skipped.
    bool torn_last_line = false;
    std::string torn_text;
};

/// Reads `path` line by line, calling f(record) for each whole record. A line that is not a
/// record throws UsageError "FILE:LINE: …", except a torn last line (see UndoLogScan).
/// A file that cannot be read throws UsageError.
template <class F>
UndoLogScan read_undo_log(const std::string& path, F f);

}  // namespace redisops

#include "expire/undo_log_read.hpp"
