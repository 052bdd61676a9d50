#include "redis/scan_cursor.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>

#include "redis/client.hpp"
#include "redis/errors.hpp"
#include "util/text.hpp"

namespace redisops {
namespace {

/// A SCAN cursor is an unsigned 64-bit number in decimal.
bool is_cursor(std::string_view s) {
    if (s.empty() || s.size() > 20) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

/// What is wrong with a reply that should be [cursor, [element …]]; nullopt when nothing is.
std::optional<std::string> malformed(const Reply& reply) {
    if (!reply.is_array()) return std::string(reply_type_name(reply.view().type()));
    if (reply.size() != 2) return fmt::format("an array of {}", reply.size());
    if (!reply[0].is_string() || !is_cursor(reply[0].str())) return "a cursor that is not a number";
    if (!reply[1].is_array()) return "elements that are not an array";
    return std::nullopt;
}

}  // namespace

ScanPage::ScanPage(Reply reply)
    : reply_(std::move(reply)), elements_(reply_[1].raw()), size_(reply_[1].size()) {}

ScanCursor::ScanCursor(std::string command, std::string key, ScanOptions opts)
    : command_(std::move(command)), key_(std::move(key)), opts_(std::move(opts)) {}

ScanCursor ScanCursor::keys(ScanOptions opts) { return ScanCursor("SCAN", "", std::move(opts)); }

ScanCursor ScanCursor::set(std::string key, ScanOptions opts) {
    return ScanCursor("SSCAN", std::move(key), std::move(opts));
}

ScanCursor ScanCursor::hash(std::string key, ScanOptions opts) {
    return ScanCursor("HSCAN", std::move(key), std::move(opts));
}

ScanCursor ScanCursor::zset(std::string key, ScanOptions opts) {
    return ScanCursor("ZSCAN", std::move(key), std::move(opts));
}

ScanCursor& ScanCursor::resume(std::string cursor) {
    cursor_ = std::move(cursor);
    done_ = false;
    return *this;
}

Args ScanCursor::request() const {
    Args argv;
    argv.reserve(9);
    argv.push_back(command_);
    if (!key_.empty()) argv.push_back(key_);
    argv.push_back(cursor_);
    if (!opts_.match.empty()) argv.insert(argv.end(), {"MATCH", opts_.match});
    if (opts_.count > 0) argv.insert(argv.end(), {"COUNT", std::to_string(opts_.count)});
    // TYPE is a SCAN option only; SSCAN and friends would answer a syntax error.
    if (!opts_.type.empty() && key_.empty()) argv.insert(argv.end(), {"TYPE", opts_.type});
    return argv;
}

std::string ScanCursor::what() const {
    return key_.empty() ? command_ : command_ + " " + quote_if_needed(key_);
}

ScanPage ScanCursor::accept(Reply reply) {
    if (done_) throw std::logic_error("redis-ops bug: " + command_ + " page after the last one");
    if (reply.is_error()) {
        throw ReplyError(classify_error(reply.error()),
                         fmt::format("{}: {}", what(), reply.error()));
    }
    if (auto bad = malformed(reply)) {
        throw ReplyTypeError(
            fmt::format("{}: expected a [cursor, elements] page, got {}", what(), *bad));
    }
    cursor_ = std::string(reply[0].str());
    done_ = cursor_ == "0";
    return ScanPage(std::move(reply));
}

ScanPage ScanCursor::next(Connection& conn) { return accept(conn.command_unchecked(request())); }

ScanPage ScanCursor::next(Client& client) {
    if (key_.empty() && client.topology() == Topology::Cluster) {
        throw std::logic_error(
            "redis-ops bug: a keyspace SCAN through a cluster client; walk each master");
    }
    Reply r;
    try {
        // Both resend once after a lost connection: SCAN only reads.
        r = key_.empty() ? client.command(request()) : client.command_for_key(key_, request());
    } catch (const ReplyTypeError&) {
        throw;
    } catch (const ReplyError& e) {
        throw ReplyError(e.kind(), fmt::format("{}: {}", what(), e.server_message()));
    }
    return accept(std::move(r));
}

}  // namespace redisops
