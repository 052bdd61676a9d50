#include "util/output_sink.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <utility>

#include "util/errors.hpp"

using namespace redisops;

namespace {

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        close_read();
        if (write >= 0) ::close(write);
    }
    void close_read() {
        if (read >= 0) ::close(read);
        read = -1;
    }
    /// Everything until EOF (the writer must close first, or write less than the pipe holds).
    std::string drain() {
        std::string got;
        char buf[65536];
        for (ssize_t n; (n = ::read(read, buf, sizeof buf)) > 0;) {
            got.append(buf, static_cast<size_t>(n));
        }
        return got;
    }
};

/// SIGPIPE ignored, as redis-ops does, so EPIPE comes back as an error instead of killing us.
struct IgnoreSigpipe {
    struct sigaction old {};
    IgnoreSigpipe() {
        struct sigaction sa {};
        sa.sa_handler = SIG_IGN;
        ::sigaction(SIGPIPE, &sa, &old);
    }
    ~IgnoreSigpipe() { ::sigaction(SIGPIPE, &old, nullptr); }
};

// A stand-in for write(2) that takes at most 7 bytes a call and is interrupted every third
// call, the way a slow pipe or a signal makes the real one return early.
std::string g_written;
int g_calls = 0;
ssize_t short_write(int, const void* data, size_t size) {
    if (++g_calls % 3 == 0) {
        errno = EINTR;
        return -1;
    }
    size_t n = std::min<size_t>(size, 7);
    g_written.append(static_cast<const char*>(data), n);
    return static_cast<ssize_t>(n);
}

// Takes 5 bytes, then fails with EIO, like a disk that goes away mid-report.
ssize_t failing_write(int, const void* data, size_t size) {
    if (g_written.size() >= 5) {
        errno = EIO;
        return -1;
    }
    size_t n = std::min<size_t>(size, 5 - g_written.size());
    g_written.append(static_cast<const char*>(data), n);
    return static_cast<ssize_t>(n);
}

ssize_t zero_write(int, const void*, size_t) { return 0; }

/// The OutputError that `f` throws, as (errno, message); (0, "") when it throws none.
template <class F>
std::pair<int, std::string> output_error_of(F f) {
    try {
        f();
    } catch (const OutputError& e) {
        return {e.errno_value(), e.what()};
    }
    return {0, ""};
}

}  // namespace

TEST_CASE("FdSink holds small writes until flush, then the pipe has every byte in order") {
    Pipe p;
    FdSink sink(p.write);
    sink.write("first line\n");
    sink.write("second line\n");
    int pending = 0;
    REQUIRE(::ioctl(p.read, FIONREAD, &pending) == 0);
    CHECK(pending == 0);
    sink.flush();
    sink.close();
    p.write = -1;  // the sink closed it
    CHECK(p.drain() == "first line\nsecond line\n");
}

TEST_CASE("FdSink writes a report bigger than its buffer whole, without reordering") {
    Pipe p;
    std::string big(1 << 20, 'x');
    for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
    std::string got;
    std::thread reader([&] { got = p.drain(); });
    {
        FdSink sink(p.write);
        sink.write("head\n");
        sink.write(big);
        sink.write("tail\n");
        sink.close();
        p.write = -1;
    }
    reader.join();
    CHECK(got == "head\n" + big + "tail\n");
}

TEST_CASE("FdSink on /dev/full fails with ENOSPC and the message redis-ops prints") {
    int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    FdSink sink(fd);
    sink.write("a line that cannot be stored\n");  // buffered: no error yet
    auto [code, message] = output_error_of([&] { sink.flush(); });
    CHECK(code == ENOSPC);
    CHECK(message == "cannot write output: No space left on device");
    // The failure sticks: the close does not report success either.
    CHECK_THROWS_AS(sink.close(), OutputError);
    ::close(fd);
}

TEST_CASE("FdSink on /dev/full fails at the write of a block bigger than its buffer") {
    int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    FdSink sink(fd);
    CHECK_THROWS_AS(sink.write(std::string(1 << 17, 'x')), OutputError);
    ::close(fd);
}

TEST_CASE("FdSink reports a reader that went away as BrokenPipe, not as an output error") {
    IgnoreSigpipe quiet;
    Pipe p;
    p.close_read();
    FdSink sink(p.write);
    sink.write("nobody reads this\n");
    CHECK_THROWS_AS(sink.flush(), BrokenPipe);
    CHECK_THROWS_AS(sink.write("more\n"), BrokenPipe);
}

TEST_CASE("FdSink sees EPIPE when the reader closes after reading part of the output") {
    IgnoreSigpipe quiet;
    Pipe p;
    FdSink sink(p.write);
    sink.write("read by the reader\n");
    sink.flush();
    char buf[64];
    CHECK(::read(p.read, buf, sizeof buf) == 19);
    p.close_read();  // like `| head -n 1` exiting
    CHECK_THROWS_AS(sink.write(std::string(1 << 17, 'x')), BrokenPipe);
}

TEST_CASE("FdSink waits on a non-blocking pipe instead of failing with EAGAIN") {
    Pipe p;
    REQUIRE(::fcntl(p.write, F_SETFL, ::fcntl(p.write, F_GETFL) | O_NONBLOCK) == 0);
    std::string big(1 << 20, 'n');
    big.back() = '\n';
    std::string got;
    std::thread reader([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the pipe fill
        got = p.drain();
    });
    {
        FdSink sink(p.write);
        sink.write(big);  // short writes, then EAGAIN, until the reader drains the pipe
        sink.close();
        p.write = -1;
    }
    reader.join();
    CHECK(got == big);
}

TEST_CASE("FdSink writes everything over short and interrupted writes") {
    g_written.clear();
    g_calls = 0;
    std::string text;
    for (int i = 0; i < 1000; ++i) text += "entry " + std::to_string(i) + "\n";
    FdSink sink(-1, short_write);
    sink.write(text.substr(0, 100));
    sink.flush();
    sink.write(text.substr(100));
    sink.flush();
    CHECK(g_written == text);
    CHECK(g_calls > static_cast<int>(text.size() / 7));
}

TEST_CASE("FdSink stops at the first failed write and writes nothing after it") {
    g_written.clear();
    FdSink sink(-1, failing_write);
    sink.write("0123456789");
    auto [code, message] = output_error_of([&] { sink.flush(); });
    CHECK(code == EIO);
    CHECK(message == "cannot write output: Input/output error");
    CHECK_THROWS_AS(sink.write("later"), OutputError);
    CHECK_THROWS_AS(sink.flush(), OutputError);
    CHECK(g_written == "01234");
}

TEST_CASE("FdSink treats a write that takes nothing as an I/O error instead of spinning") {
    FdSink sink(-1, zero_write);
    sink.write("x");
    CHECK_THROWS_AS(sink.flush(), OutputError);
}

TEST_CASE("FdSink checks the close itself") {
    Pipe p;
    FdSink sink(p.write);
    sink.write("written\n");
    sink.flush();
    ::close(p.write);  // closed behind the sink's back: its close(2) fails with EBADF
    p.write = -1;
    CHECK(output_error_of([&] { sink.close(); }).first == EBADF);
    CHECK(p.drain() == "written\n");
}

TEST_CASE("FdSink refuses writes after close") {
    Pipe p;
    FdSink sink(p.write);
    sink.close();
    p.write = -1;
    CHECK_NOTHROW(sink.close());  // twice is harmless
    CHECK_THROWS_AS(sink.write("late\n"), OutputError);
}

TEST_CASE("FdSink keeps a closed descriptor's number from being reused by a later socket") {
    Pipe probe;
    int fd = probe.write;
    ::close(fd);
    probe.write = -1;
    FdSink sink(fd);
    Pipe later;  // would have taken `fd` if nothing held it
    CHECK(later.read != fd);
    CHECK(later.write != fd);
    sink.write("lost?\n");
    CHECK(output_error_of([&] { sink.flush(); }).first == EBADF);
    ::close(fd);
}
