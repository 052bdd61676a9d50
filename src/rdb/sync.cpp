#include "rdb/sync.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "redis/errors.hpp"

namespace redisops::rdb {

namespace {

// The server sends a newline a second while it prepares the snapshot, so a quiet minute
// means it is gone; a longer --timeout stretches this.
constexpr Millis kMinIdle{60'000};
constexpr size_t kMaxLine = 1024;
constexpr size_t kEofMark = 40;

}  // namespace

ReplicationSource::ReplicationSource(Connection& conn)
    : conn_(conn), transport_(conn.raw_transport()), address_(conn.address().display()) {
    idle_timeout_ = std::max(conn.command_timeout().value_or(kMinIdle), kMinIdle);
    // Redis 7.0+ ends the conversation after the snapshot; older servers answer an error and
    // would go on with the replication stream, which we simply stop reading.
    // capa eof lets a server with repl-diskless-sync (the default since 7.0) stream the snapshot
    // from its fork to the socket, touching no disk on its side either, after its
    // repl-diskless-sync-delay; others save to disk first and send `$<len>`.
    conn_.command_unchecked({"REPLCONF", "capa", "eof"});
    Reply only = conn_.command_unchecked({"REPLCONF", "rdb-only", "1"});
    rdb_only_ = !only.is_error();
    conn_.append({"SYNC"});
    conn_.flush();
    for (;;) {
        std::string line = read_line();
        if (line.empty()) continue;  // keep-alive newlines while the fork starts
        if (line[0] == '-')
            throw ReplyError(fmt::format("SYNC on {}: {}", address_, line.substr(1)));
        if (line[0] == '+') continue;  // +FULLRESYNC from servers answering SYNC as PSYNC
        if (line[0] != '$') {
            throw ProtocolError(
                fmt::format("SYNC on {}: expected a $<length> payload header", address_));
        }
        std::string_view spec(line);
        spec.remove_prefix(1);
        if (spec.starts_with("EOF:")) {
            if (spec.size() != 4 + kEofMark)
                throw ProtocolError(fmt::format("SYNC on {}: a malformed $EOF: mark", address_));
            // Diskless: the parser knows where the snapshot ends, and the mark must follow.
            eof_mark_ = spec.substr(4);
            return;
        }
        auto [p, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), total_);
        if (ec != std::errc() || p != spec.data() + spec.size())
            throw ProtocolError(fmt::format("SYNC on {}: a bad payload length", address_));
        remaining_known_ = true;
        remaining_ = total_;
        // What came with the header line belongs to the payload, up to its announced size
        // (an old server's replication stream may follow it).
        uint64_t extra = pending_.size() - pending_pos_;
        if (extra > total_) pending_.resize(pending_pos_ + static_cast<size_t>(total_));
        remaining_ -= std::min(remaining_, extra);
        return;
    }
}

void ReplicationSource::check_trailer(const uint8_t* trailer) {
    // Without it the transfer was garbled or cut, whatever the parse found (a snapshot saved
    // with rdbchecksum no has no other check).
    if (std::memcmp(trailer, eof_mark_.data(), eof_mark_.size()) != 0)
        throw ProtocolError(fmt::format(
            "SYNC on {}: the snapshot is not followed by the $EOF: mark the server announced",
            address_));
}

size_t ReplicationSource::raw_read(uint8_t* buf, size_t len) {
    Deadline deadline = deadline_after(idle_timeout_);
    for (;;) {
        IoResult r = transport_.read_some(reinterpret_cast<char*>(buf), len);
        if (r.wait != IoWait::None) {
            wait_ready(transport_.fd(), r.wait, deadline, address_);
            continue;
        }
        if (r.bytes == 0)
            throw ClosedError(fmt::format("{} closed the replication stream", address_));
        return static_cast<size_t>(r.bytes);
    }
}

std::string ReplicationSource::read_line() {
    for (;;) {
        size_t nl = pending_.find('\n', pending_pos_);
        if (nl != std::string::npos) {
            std::string line = pending_.substr(pending_pos_, nl - pending_pos_);
            pending_pos_ = nl + 1;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }
        if (pending_.size() - pending_pos_ > kMaxLine)
            throw ProtocolError(fmt::format("SYNC on {}: no payload header", address_));
        pending_.erase(0, pending_pos_);
        pending_pos_ = 0;
        uint8_t chunk[4096];
        size_t n = raw_read(chunk, sizeof chunk);
        pending_.append(reinterpret_cast<const char*>(chunk), n);
    }
}

size_t ReplicationSource::read_some(uint8_t* buf, size_t len) {
    if (pending_pos_ < pending_.size()) {
        size_t n = std::min(len, pending_.size() - pending_pos_);
        std::memcpy(buf, pending_.data() + pending_pos_, n);
        pending_pos_ += n;
        return n;
    }
    if (remaining_known_) {
        if (remaining_ == 0) return 0;
        len = static_cast<size_t>(std::min<uint64_t>(len, remaining_));
    }
    size_t n = raw_read(buf, len);
    if (remaining_known_) remaining_ -= n;
    return n;
}

}  // namespace redisops::rdb
