#include "redis/connection.hpp"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "redis/errors.hpp"
#include "redis/tls.hpp"

namespace redisops {

Connection Connection::open(const ConnectionOptions& opts) { return open(opts, opts.address); }

Connection Connection::open(const ConnectionOptions& opts, const ServerAddress& addr) {
    Deadline deadline = Clock::now() + opts.connect_timeout;
    auto socket = connect_socket(addr, deadline);
    if (opts.tls.enabled && !addr.is_unix()) {
        return over(start_tls(std::move(socket), addr, opts.tls, deadline), opts, addr);
    }
    return over(std::move(socket), opts, addr);
}

Connection Connection::over(std::unique_ptr<Transport> transport, const ConnectionOptions& opts,
                            const ServerAddress& addr) {
    if (!transport) throw std::invalid_argument("Connection::over: no transport");
    Connection c;
    c.address_ = addr;
    c.display_ = addr.display();
    c.transport_ = std::move(transport);
    c.reader_.reset(new_bounded_reader());
    if (!c.reader_) throw std::bad_alloc();
    // Large replies (MEMORY USAGE of many keys, big XRANGE pages) should not be copied twice.
    c.reader_->maxbuf = 0;

    // AUTH and SELECT go out together: one round trip, both replies checked in order.
    std::vector<std::string> what;
    if (opts.password) {
        if (opts.user.empty()) {
            c.append({"AUTH", *opts.password});
        } else {
            c.append({"AUTH", opts.user, *opts.password});
        }
        what.push_back("AUTH");
    }
    if (opts.db != 0) {
        c.append({"SELECT", std::to_string(opts.db)});
        what.push_back("SELECT " + std::to_string(opts.db));
    }
    if (!what.empty()) {
        c.command_timeout_ = opts.connect_timeout;
        c.flush();
        for (const auto& step : what) {
            Reply r = c.read_reply();
            if (r.is_error()) {
                throw ReplyError(fmt::format("{} failed on {}: {}", step, c.display_, r.error()));
            }
        }
    }
    c.command_timeout_ = opts.command_timeout;
    return c;
}

void Connection::ensure_usable() const {
    if (broken_) {
        throw ClosedError(
            fmt::format("connection to {} is broken after an earlier error", display_));
    }
}

void Connection::fail(const std::exception& e) {
    broken_ = true;
    if (dynamic_cast<const TimeoutError*>(&e)) {
        throw TimeoutError(fmt::format("timed out waiting for Redis at {}", display_));
    }
    if (dynamic_cast<const ProtocolError*>(&e)) throw ProtocolError(e.what());
    throw ClosedError(fmt::format("connection to {} lost: {}", display_, e.what()));
}

void Connection::append(const Args& argv) {
    ensure_usable();
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    ptrs.reserve(argv.size());
    lens.reserve(argv.size());
    for (const auto& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    char* cmd = nullptr;
    int len = redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), ptrs.data(), lens.data());
    if (len < 0) throw std::bad_alloc();
    out_.append(cmd, static_cast<size_t>(len));
    redisFreeCommand(cmd);
}

void Connection::write_all(Deadline deadline) {
    size_t off = 0;
    while (off < out_.size()) {
        IoResult r = transport_->write_some(out_.data() + off, out_.size() - off);
        if (r.wait != IoWait::None) {
            wait_ready(transport_->fd(), r.wait, deadline, display_);
            continue;
        }
        off += static_cast<size_t>(r.bytes);
    }
    out_.clear();
}

void Connection::flush() {
    ensure_usable();
    try {
        write_all(deadline_after(command_timeout_));
    } catch (const ConnectionError& e) {
        fail(e);
    }
}

bool Connection::try_parse(Reply& out) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
        std::string why = reader_->errstr;
        if (why == "Out of memory") {
            why = fmt::format("a reply announced more than {} elements (or memory ran out)",
                              kMaxReplyElements);
        }
        broken_ = true;
        throw ProtocolError(fmt::format("protocol error from {}: {}", display_, why));
    }
    if (!raw) return false;
    out = Reply(static_cast<redisReply*>(raw));
    return true;
}

bool Connection::reply_ready() {
    ensure_usable();
    // Unread bytes in the reader or the TLS layer: poll() on the fd would not see them.
    return reader_->pos < reader_->len || transport_->has_buffered();
}

Transport& Connection::raw_transport() {
    ensure_usable();
    if (reader_->pos < reader_->len || !out_.empty())
        throw std::logic_error("raw_transport() with RESP bytes still pending");
    return *transport_;
}

Reply Connection::read_reply() { return read_reply(command_timeout_); }

Reply Connection::read_reply(std::optional<Millis> timeout) {
    ensure_usable();
    Deadline deadline = deadline_after(timeout);
    Reply reply;
    try {
        if (!out_.empty()) write_all(deadline);
        char buf[16384];
        while (!try_parse(reply)) {
            IoResult r = transport_->read_some(buf, sizeof buf);
            if (r.wait != IoWait::None) {
                wait_ready(transport_->fd(), r.wait, deadline, display_);
                continue;
            }
            if (r.bytes == 0) throw ClosedError("server closed the connection");
            if (redisReaderFeed(reader_.get(), buf, static_cast<size_t>(r.bytes)) != REDIS_OK) {
                throw ProtocolError(fmt::format("protocol error from {}", display_));
            }
        }
    } catch (const ConnectionError& e) {
        fail(e);
    }
    return reply;
}

Reply Connection::command_unchecked(const Args& argv) {
    append(argv);
    return read_reply();
}

Reply Connection::command(const Args& argv) {
    Reply r = command_unchecked(argv);
    r.check();
    return r;
}

}  // namespace redisops
