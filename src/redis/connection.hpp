// One connection to one Redis server. Owns its transport and its RESP reader, moves but never
// copies. Commands are binary-safe argv vectors, formatted by hiredis.
#pragma once

#include <hiredis/read.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redis/options.hpp"
#include "redis/reply.hpp"
#include "redis/transport.hpp"

namespace redisops {

using Args = std::vector<std::string>;

struct ReaderDeleter {
    void operator()(redisReader* r) const {
        if (r) redisReaderFree(r);
    }
};

class Connection {
  public:
    /// Connects (TCP, Unix socket or TLS), authenticates and selects the db, all within
    /// opts.connect_timeout. Throws ConnectionError (exit 3) or ReplyError (exit 4, e.g. AUTH).
    static Connection open(const ConnectionOptions& opts);
    /// The same, to another address with the same credentials (cluster nodes, sentinels).
    static Connection open(const ConnectionOptions& opts, const ServerAddress& addr);
    /// Over a transport the caller has connected (the seam for tests and for other
    /// transports): authenticates and selects the db as open() does. `addr` names the server
    /// in messages. Throws as open() does; a null transport is std::invalid_argument.
    static Connection over(std::unique_ptr<Transport> transport, const ConnectionOptions& opts,
                           const ServerAddress& addr);

    Connection(Connection&&) noexcept = default;
    Connection& operator=(Connection&&) noexcept = default;
    ~Connection() = default;

    /// Sends one command and reads its reply. An error reply throws ReplyError.
    Reply command(const Args& argv);
    /// Like command(), but an error reply is returned rather than thrown.
    Reply command_unchecked(const Args& argv);

    /// Queues a command in the output buffer; flush() sends everything queued.
    void append(const Args& argv);
    void flush();
    /// Reads the next reply within the command timeout (or `timeout` when given; nullopt
    /// waits forever). Error replies are returned, not thrown.
    Reply read_reply();
    Reply read_reply(std::optional<Millis> timeout);
    /// True once a reply is fully buffered, so read_reply() would not block.
    bool reply_ready();

    /// After a timeout or I/O error the stream is out of step; the connection refuses use.
    bool broken() const { return broken_; }
    const ServerAddress& address() const { return address_; }
    int fd() const { return transport_->fd(); }
    /// The byte pipe itself, for a conversation that leaves RESP (the RDB payload after SYNC).
    /// Only between commands: every reply read, nothing left in the RESP reader.
    Transport& raw_transport();
    std::optional<Millis> command_timeout() const { return command_timeout_; }
    void set_command_timeout(std::optional<Millis> t) { command_timeout_ = t; }

  private:
    Connection() = default;
    void ensure_usable() const;
    void write_all(Deadline deadline);
    bool try_parse(Reply& out);
    [[noreturn]] void fail(const std::exception& e);

    std::unique_ptr<Transport> transport_;
    std::unique_ptr<redisReader, ReaderDeleter> reader_;
    std::string out_;
    ServerAddress address_;
    std::string display_;
    std::optional<Millis> command_timeout_;
    bool broken_ = false;
};

}  // namespace redisops
