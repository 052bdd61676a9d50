// The Redis errors. src/ throws these; only cmd/main.cpp maps them to exit codes:
// ConnectionError (and subclasses) -> 3, ReplyError -> 4. UsageError (2) and OutputError (74)
// live in util/errors.hpp.
#pragma once

#include <string>
#include <string_view>

#include "redis/error_kind.hpp"
#include "util/errors.hpp"

namespace redisops {

/// Redis could not be reached or the conversation broke: exit 3.
struct ConnectionError : Error {
    using Error::Error;
};
struct TimeoutError : ConnectionError {
    using ConnectionError::ConnectionError;
};
struct ClosedError : ConnectionError {
    using ConnectionError::ConnectionError;
};
/// The bytes on the wire were not RESP.
struct ProtocolError : ConnectionError {
    using ConnectionError::ConnectionError;
};

/// Redis answered with an error reply (or with a reply of the wrong shape): exit 4.
struct ReplyError : Error {
    /// `message` is the server's error text, classified by its code word.
    explicit ReplyError(std::string message)
        : Error(message), message_(std::move(message)), kind_(classify_error(message_)) {}
    /// A message that wraps a server error ("SCAN: NOPERM …") keeps the server's kind.
    ReplyError(ErrorKind kind, std::string message)
        : Error(message), message_(std::move(message)), kind_(kind) {}

    /// What the server meant (see error_kind.hpp); Other for errors redis-ops made up.
    ErrorKind kind() const { return kind_; }
    /// The leading word of the error, e.g. "NOSCRIPT", "WRONGTYPE", "MOVED". Prefer kind().
    std::string_view code() const {
        std::string_view m = message_;
        return m.substr(0, m.find(' '));
    }
    const std::string& server_message() const { return message_; }

  private:
    std::string message_;
    ErrorKind kind_;
};

/// A reply of a type the caller did not expect; names both.
struct ReplyTypeError : ReplyError {
    explicit ReplyTypeError(std::string message)
        : ReplyError(ErrorKind::Other, std::move(message)) {}
};

}  // namespace redisops
