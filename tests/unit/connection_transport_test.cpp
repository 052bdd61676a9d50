// Connection over an injected transport (Connection::over): the test holds the other end of a
// socket pair, so what Connection does on the wire and when the peer fails can be seen without
// a server. No Redis replies are made up here; replies are tested against real servers.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "redis/connection.hpp"
#include "redis/errors.hpp"

using namespace redisops;
using namespace std::chrono_literals;

namespace {

struct SocketPair {
    int ours = -1;
    int peer = -1;
    SocketPair() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
        ours = fds[0];
        peer = fds[1];
    }
    ~SocketPair() {
        if (peer >= 0) ::close(peer);
    }
    void close_peer() {
        ::close(peer);
        peer = -1;
    }
    std::string peer_reads() {
        char buf[4096];
        ssize_t n = ::read(peer, buf, sizeof buf);
        return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
    }
};

Connection over(SocketPair& pair, ConnectionOptions opts = {}) {
    opts.address.unix_path = "/test/pair.sock";
    return Connection::over(std::make_unique<SocketTransport>(pair.ours), opts, opts.address);
}

}  // namespace

TEST_CASE("a connection over an injected transport sends binary-safe argv as RESP") {
    SocketPair pair;
    Connection c = over(pair);
    const std::string value("a\r\nb\0c", 6);
    c.append({"SET", value, ""});
    c.flush();
    CHECK(pair.peer_reads() == "*3\r\n$3\r\nSET\r\n$6\r\n" + value + "\r\n$0\r\n\r\n");
    CHECK(c.address().display() == "/test/pair.sock");
}

TEST_CASE("a silent peer times the command out and leaves the connection refusing use") {
    SocketPair pair;
    ConnectionOptions opts;
    opts.command_timeout = 20ms;
    Connection c = over(pair, opts);
    CHECK_THROWS_AS(c.command({"PING"}), TimeoutError);
    CHECK(c.broken());
    // The stream is out of step: a late reply must never be taken for the next command's.
    CHECK_THROWS_AS(c.command({"PING"}), ClosedError);
}

TEST_CASE("a peer that closes the connection is a ClosedError naming the server") {
    SocketPair pair;
    Connection c = over(pair);
    pair.close_peer();
    try {
        c.command({"PING"});
        FAIL("no error");
    } catch (const ClosedError& e) {
        CHECK(std::string(e.what()).find("/test/pair.sock") != std::string::npos);
    }
    CHECK(c.broken());
}

TEST_CASE("the handshake over an injected transport sends AUTH and SELECT in one write") {
    SocketPair pair;
    ConnectionOptions opts;
    opts.password = "s3cret";
    opts.db = 2;
    opts.connect_timeout = 20ms;
    // Nobody answers: the handshake times out, after both commands went out together.
    CHECK_THROWS_AS(over(pair, opts), TimeoutError);
    CHECK(pair.peer_reads() ==
          "*2\r\n$4\r\nAUTH\r\n$6\r\ns3cret\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n");
}

TEST_CASE("a connection needs a transport") {
    ConnectionOptions opts;
    CHECK_THROWS_AS(Connection::over(nullptr, opts, opts.address), std::invalid_argument);
}
