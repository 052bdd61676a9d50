#include "redis/reply.hpp"

#include <charconv>

#include "redis/errors.hpp"

namespace redisops {
namespace {

/// hiredis' own createArray, wrapped by bounded_array below.
void* (*default_create_array)(const redisReadTask*, int) = nullptr;

void* bounded_array(const redisReadTask* task, int elements) {
    // A NULL makes the reader fail the reply ("Out of memory") without allocating.
    if (elements > kMaxReplyElements) return nullptr;
    return default_create_array(task, elements);
}

}  // namespace

redisReader* new_bounded_reader() {
    redisReader* r = redisReaderCreate();
    if (!r) return nullptr;
    // hiredis 0.14 keeps its default functions private; take them from a reader it made and
    // replace only createArray.
    static redisReplyObjectFunctions bounded = [&] {
        redisReplyObjectFunctions f = *r->fn;
        default_create_array = f.createArray;
        f.createArray = bounded_array;
        return f;
    }();
    r->fn = &bounded;
    return r;
}

const char* reply_type_name(int type) {
    switch (type) {
        case REDIS_REPLY_STRING:
            return "string";
        case REDIS_REPLY_ARRAY:
            return "array";
        case REDIS_REPLY_INTEGER:
            return "integer";
        case REDIS_REPLY_NIL:
            return "nil";
        case REDIS_REPLY_STATUS:
            return "status";
        case REDIS_REPLY_ERROR:
            return "error";
        default:
            return "unknown";
    }
}

void ReplyView::mismatch(const char* expected) const {
    if (is_error()) throw ReplyError(std::string(r_->str, r_->len));
    throw ReplyTypeError(std::string("unexpected reply from Redis: expected ") + expected +
                         ", got " + reply_type_name(r_->type));
}

std::string_view ReplyView::str() const {
    if (r_->type != REDIS_REPLY_STRING && r_->type != REDIS_REPLY_STATUS) mismatch("string");
    return {r_->str, r_->len};
}

std::optional<std::string> ReplyView::opt_str() const {
    if (is_nil()) return std::nullopt;
    return std::string(str());
}

long long ReplyView::integer() const {
    if (r_->type == REDIS_REPLY_INTEGER) return r_->integer;
    if (r_->type == REDIS_REPLY_STRING || r_->type == REDIS_REPLY_STATUS) {
        long long v = 0;
        const char* end = r_->str + r_->len;
        auto [p, ec] = std::from_chars(r_->str, end, v);
        if (ec == std::errc() && p == end) return v;
    }
    mismatch("integer");
}

std::optional<long long> ReplyView::opt_integer() const {
    if (is_nil()) return std::nullopt;
    return integer();
}

size_t ReplyView::size() const {
    if (is_nil()) return 0;
    if (r_->type != REDIS_REPLY_ARRAY) mismatch("array");
    return r_->elements;
}

ReplyView ReplyView::operator[](size_t i) const {
    if (i >= size()) {
        throw ReplyTypeError("unexpected reply from Redis: array has " + std::to_string(size()) +
                             " elements, wanted element " + std::to_string(i));
    }
    return ReplyView(r_->element[i]);
}

std::vector<std::string> ReplyView::strings() const {
    std::vector<std::string> out;
    out.reserve(size());
    for (size_t i = 0; i < size(); ++i) out.emplace_back((*this)[i].str());
    return out;
}

std::string_view ReplyView::error() const {
    if (!is_error()) mismatch("error");
    return {r_->str, r_->len};
}

const ReplyView& ReplyView::check() const {
    if (is_error()) throw ReplyError(std::string(r_->str, r_->len));
    return *this;
}

}  // namespace redisops
