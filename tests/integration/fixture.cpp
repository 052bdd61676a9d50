#include "fixture.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "redis/errors.hpp"
#include "util/random.hpp"

namespace redisops::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "redis-ops-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

SmallMount::SmallMount(const std::string& dir, const std::string& options) : dir_(dir) {
    fs::create_directories(dir_);
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) == 0;
}

SmallMount::~SmallMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
}

bool SmallMount::remount_read_only() {
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
}

namespace {

bool port_free(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

int free_port() {
    // Random ports in 20000..54999 so the cluster bus port (+10000) stays below 65535, and
    // parallel test binaries rarely pick the same one.
    for (int attempt = 0; attempt < 200; ++attempt) {
        auto r = random_bytes(2);
        int port = 20000 + ((uint8_t(r[0]) << 8 | uint8_t(r[1])) % 35000);
        if (port_free(port) && port_free(port + 10000)) return port;
    }
    throw std::runtime_error("no free port found");
}

std::string server_binary() {
    const char* env = std::getenv("REDIS_OPS_TEST_SERVER");
    return env && *env ? env : "redis-server";
}

std::string server_cli() {
    std::string server = server_binary();
    auto dash = server.rfind("-server");
    if (dash == std::string::npos) return "redis-cli";
    return server.substr(0, dash) + "-cli";
}

RedisServer::RedisServer(std::vector<std::string> extra, std::string binary)
    : extra_(std::move(extra)), binary_(std::move(binary)) {
    for (int attempt = 0;; ++attempt) {
        port_ = free_port();
        try {
            launch();
            return;
        } catch (const std::exception&) {
            stop();
            if (attempt == 4) throw;
        }
    }
}

RedisServer::~RedisServer() {
    try {
        stop();
    } catch (...) {
    }
}

void RedisServer::launch() {
    std::vector<std::string> args = {binary_,
                                     "--port",
                                     std::to_string(port_),
                                     "--bind",
                                     "127.0.0.1",
                                     "--dir",
                                     dir_.path(),
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--unixsocket",
                                     socket_path(),
                                     "--unixsocketperm",
                                     "700",
                                     "--logfile",
                                     dir_.path() + "/redis.log",
                                     "--daemonize",
                                     "no",
                                     "--enable-debug-command",
                                     "local"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int devnull = ::open("/dev/null", O_RDWR);
        ::dup2(devnull, STDIN_FILENO);
        ::dup2(devnull, STDOUT_FILENO);
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    pid_ = pid;
    // Wait until it answers PING; give up after 10 s or if it died (port taken).
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
        int ws;
        if (::waitpid(pid_, &ws, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error(binary_ + " exited at start (port " + std::to_string(port_) +
                                     ")");
        }
        try {
            // Any reply means it is up: PONG, or NOAUTH when the test set requirepass.
            Connection c = connect();
            Reply r = c.command_unchecked({"PING"});
            if (!r.is_error() || r.error().starts_with("NOAUTH")) return;
        } catch (const Error&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error(binary_ + " did not answer PING within 10 s");
}

Connection RedisServer::connect() const {
    ConnectionOptions o;
    o.address.port = port_;
    o.connect_timeout = std::chrono::seconds(5);
    o.command_timeout = std::chrono::seconds(30);
    // Tests that turn on requirepass pass it themselves; the fixture's own checks don't.
    return Connection::open(o);
}

void RedisServer::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 500; ++i) {
        int ws;
        if (::waitpid(pid_, &ws, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill();
}

void RedisServer::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int ws;
    ::waitpid(pid_, &ws, 0);
    pid_ = -1;
}

void RedisServer::start() {
    if (pid_ > 0) return;
    launch();
}

std::string cli_path() { return REDIS_OPS_BIN; }

std::string unique_prefix(const std::string& base) { return base + ":" + random_hex(4) + ":"; }

CliOptions cli_options(std::string stdin_data, std::map<std::string, std::string> env,
                       int timeout_s) {
    CliOptions o;
    o.stdin_data = std::move(stdin_data);
    o.env = std::move(env);
    o.timeout = std::chrono::seconds(timeout_s);
    return o;
}

CliResult run_cli(const std::vector<std::string>& args, const CliOptions& opts) {
    std::vector<std::string> full = {cli_path()};
    full.insert(full.end(), args.begin(), args.end());
    return run_command(full, opts);
}

CliResult run_command(const std::vector<std::string>& command, const CliOptions& opts) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC)) {
        throw std::runtime_error("pipe failed");
    }
    std::vector<std::string> full = command;
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        if (!opts.stdout_path.empty()) {
            int fd = ::open(opts.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0) ::_exit(127);
            ::dup2(fd, STDOUT_FILENO);
        }
        ::dup2(err[1], STDERR_FILENO);
        ::setpgid(0, 0);
        ::unsetenv("REDIS_URL");
        ::unsetenv("REDISCLI_AUTH");
        ::unsetenv("NO_COLOR");
        for (const auto& [k, v] : opts.env) ::setenv(k.c_str(), v.c_str(), 1);
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);

    // Feed stdin from a thread so a large input cannot deadlock against full output pipes.
    std::thread feeder([fd = in[1], data = opts.stdin_data] {
        size_t off = 0;
        ::signal(SIGPIPE, SIG_IGN);
        while (off < data.size()) {
            ssize_t n = ::write(fd, data.data() + off, data.size() - off);
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
        ::close(fd);
    });

    CliResult result;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    auto deadline = std::chrono::steady_clock::now() + opts.timeout;
    bool killed = false;
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0 && !killed) {
            ::kill(-pid, SIGKILL);
            killed = true;
        }
        int rc = ::poll(fds, 2, left > 0 ? static_cast<int>(std::min<long long>(left, 1000)) : 100);
        if (rc < 0 && errno != EINTR) break;
        for (auto& p : fds) {
            if (p.fd < 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[65536];
            ssize_t n = ::read(p.fd, buf, sizeof buf);
            if (n > 0) {
                (&p == &fds[0] ? result.out : result.err).append(buf, static_cast<size_t>(n));
            } else {
                ::close(p.fd);
                p.fd = -1;
                --open_fds;
            }
        }
    }
    int ws = 0;
    ::waitpid(pid, &ws, 0);
    feeder.join();
    if (WIFEXITED(ws)) {
        result.exit_code = WEXITSTATUS(ws);
    } else if (WIFSIGNALED(ws)) {
        result.exit_code = 128 + WTERMSIG(ws);
    }
    if (killed) result.err += "\n[test harness: killed after timeout]";
    return result;
}

CliResult run_cli(const RedisServer& server, std::vector<std::string> args,
                  const CliOptions& opts) {
    auto p = server.port_args();
    args.insert(args.begin(), p.begin(), p.end());
    return run_cli(args, opts);
}

}  // namespace redisops::test
