// Typed access to hiredis replies. A Reply owns a redisReply tree; ReplyView borrows a node.
#pragma once

#include <hiredis/hiredis.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redisops {

struct ReplyDeleter {
    void operator()(redisReply* r) const {
        if (r) freeReplyObject(r);
    }
};
using ReplyUPtr = std::unique_ptr<redisReply, ReplyDeleter>;

/// The most elements one array reply may announce. hiredis 0.14 allocates the element table
/// from the announced count before a single element arrives, so `*1211111211` from a broken or
/// hostile server would ask for 9 GiB; past this bound the reader fails instead (a protocol
/// error), while real replies (SCAN pages, HGETALL of a big hash) stay far below it.
inline constexpr int kMaxReplyElements = 1 << 24;

/// A hiredis reader whose arrays are bounded by kMaxReplyElements; free with redisReaderFree.
redisReader* new_bounded_reader();

class ReplyView {
  public:
    explicit ReplyView(const redisReply* r) : r_(r) {}

    int type() const { return r_->type; }
    bool is_nil() const { return r_->type == REDIS_REPLY_NIL; }
    bool is_error() const { return r_->type == REDIS_REPLY_ERROR; }
    bool is_array() const { return r_->type == REDIS_REPLY_ARRAY; }
    bool is_integer() const { return r_->type == REDIS_REPLY_INTEGER; }
    bool is_string() const { return r_->type == REDIS_REPLY_STRING; }
    bool is_status() const { return r_->type == REDIS_REPLY_STATUS; }

    /// Bulk or status bytes; throws ReplyTypeError for other types.
    std::string_view str() const;
    /// Like str(), nil becomes nullopt.
    std::optional<std::string> opt_str() const;
    /// An integer reply, or a bulk string holding a decimal integer.
    long long integer() const;
    std::optional<long long> opt_integer() const;
    /// Array length; throws for non-arrays. A nil array counts as empty.
    size_t size() const;
    ReplyView operator[](size_t i) const;
    /// An array of bulk strings.
    std::vector<std::string> strings() const;
    /// The error text of an error reply.
    std::string_view error() const;
    /// Throws ReplyError if this is an error reply; returns *this otherwise.
    const ReplyView& check() const;

    const redisReply* raw() const { return r_; }

  private:
    [[noreturn]] void mismatch(const char* expected) const;
    const redisReply* r_;
};

class Reply {
  public:
    Reply() = default;
    explicit Reply(redisReply* r) : owned_(r) {}
    ReplyView view() const { return ReplyView(owned_.get()); }

    // Forwarders so callers can write reply.str() on an owned reply.
    bool is_nil() const { return view().is_nil(); }
    bool is_error() const { return view().is_error(); }
    bool is_array() const { return view().is_array(); }
    bool is_integer() const { return view().is_integer(); }
    std::string_view str() const { return view().str(); }
    std::optional<std::string> opt_str() const { return view().opt_str(); }
    long long integer() const { return view().integer(); }
    std::optional<long long> opt_integer() const { return view().opt_integer(); }
    size_t size() const { return view().size(); }
    ReplyView operator[](size_t i) const { return view()[i]; }
    std::vector<std::string> strings() const { return view().strings(); }
    std::string_view error() const { return view().error(); }
    const Reply& check() const {
        view().check();
        return *this;
    }
    explicit operator bool() const { return owned_ != nullptr; }

  private:
    ReplyUPtr owned_;
};

/// "string", "array", "integer", "nil", "status", "error" for hiredis type codes.
const char* reply_type_name(int type);

}  // namespace redisops
