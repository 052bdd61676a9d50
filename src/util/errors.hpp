// The error types that are not about Redis. src/ throws these; only cmd/main.cpp maps them to
// exit codes (util/exit_codes.hpp). The Redis ones (ConnectionError, ReplyError) build on Error
// in redis/errors.hpp, so nothing under util/ includes upward.
#pragma once

#include <stdexcept>
#include <string>

namespace redisops {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Bad flags, values or input: exit 2.
struct UsageError : Error {
    using Error::Error;
};

/// The output could not be written (ENOSPC, EIO, EBADF, …): exit 74. what() is the whole
/// message, "cannot write output: No space left on device".
struct OutputError : Error {
    explicit OutputError(int errno_value);
    OutputError(const std::string& message, int errno_value)
        : Error(message), errno_(errno_value) {}
    int errno_value() const { return errno_; }

  private:
    int errno_;
};

/// The reader of the output went away (EPIPE): exit 141 quietly, as a shell pipeline expects.
struct BrokenPipe : Error {
    BrokenPipe() : Error("output closed (EPIPE)") {}
};

}  // namespace redisops
