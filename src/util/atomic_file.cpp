#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>
#include <vector>

#include "util/errors.hpp"

namespace redisops {
namespace {

std::string directory_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// The file a write through `path` reaches. A symlink, or a chain of them, is followed (a
/// dangling one too: `> link` creates the file it names), so the rename replaces that file
/// and the link stays a link, as with shell redirection.
std::string follow_links(const std::string& given) {
    std::string path = given;
    for (int hops = 0; hops < 40; ++hops) {  // the kernel's own limit (MAXSYMLINKS)
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
        std::vector<char> buf(PATH_MAX + 1);
        ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
        if (n <= 0 || static_cast<size_t>(n) >= buf.size()) return path;  // open() will say why
        std::string target(buf.data(), static_cast<size_t>(n));
        if (target.front() != '/') target.insert(0, directory_of(path) + "/");
        path = std::move(target);
    }
    throw OutputError("cannot write output: " + given + ": " + std::strerror(ELOOP), ELOOP);
}

/// The mode a plain `> FILE` would give a new file: 0666 less the umask. An existing file keeps
/// its own permission bits, so a report made readable to a collector stays readable.
mode_t mode_for(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        return st.st_mode & (S_IRWXU | S_IRWXG | S_IRWXO);
    mode_t mask = ::umask(0);
    ::umask(mask);
    return static_cast<mode_t>(0666 & ~mask);
}

}  // namespace

AtomicFileSink::AtomicFileSink(std::string path) : path_(std::move(path)) {
    if (path_.empty() || path_.back() == '/')
        throw OutputError("cannot write output: --output needs a file name, got '" + path_ + "'",
                          EINVAL);
    target_ = follow_links(path_);
    struct stat st {};
    if (::stat(target_.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) fail("is a directory", EISDIR);
        // A rename would replace the device or FIFO itself (/dev/stdout, /dev/full, a pipe):
        // those are for shell redirection.
        if (!S_ISREG(st.st_mode))
            throw OutputError("cannot write output: " + path_ +
                                  ": not a regular file (use shell redirection for devices "
                                  "and pipes)",
                              EINVAL);
    }
    // A dot name that does not end like the target: collectors reading *.prom skip it.
    std::string pattern = directory_of(target_) + "/." + base_of(target_) + ".tmp.XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) fail("cannot create a temp file beside it", errno);
    temp_.assign(name.data());
    if (::fchmod(fd_, mode_for(target_)) != 0) {
        int e = errno;
        discard();
        fail("cannot set the temp file's mode", e);
    }
    file_.emplace(fd_);
}

AtomicFileSink::~AtomicFileSink() {
    if (!committed_) discard();
}

void AtomicFileSink::discard() noexcept {
    file_.reset();  // drops what is buffered; FdSink leaves the descriptor to us
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (!temp_.empty()) {
        ::unlink(temp_.c_str());
        temp_.clear();
    }
}

void AtomicFileSink::fail(const char* what, int errno_value) {
    throw OutputError(
        "cannot write output: " + path_ + ": " + what + ": " + std::strerror(errno_value),
        errno_value);
}

void AtomicFileSink::write(std::string_view text) {
    if (!file_) throw OutputError("cannot write output: " + path_ + ": already closed", EBADF);
    try {
        file_->write(text);
    } catch (const OutputError& e) {
        int err = e.errno_value();
        discard();
        fail("write failed", err);
    }
}

void AtomicFileSink::flush() {
    if (!file_) return;
    try {
        file_->flush();
    } catch (const OutputError& e) {
        int err = e.errno_value();
        discard();
        fail("write failed", err);
    }
}

void AtomicFileSink::close() {
    if (committed_) return;
    if (!file_) throw OutputError("cannot write output: " + path_ + ": already closed", EBADF);
    flush();
    // Data on disk before the name points at it: otherwise a crash can leave an empty file.
    if (::fsync(fd_) != 0) {
        int e = errno;
        discard();
        fail("fsync failed", e);
    }
    file_.reset();
    int rc_close = ::close(fd_);
    fd_ = -1;
    if (rc_close != 0 && errno != EINTR) {
        int e = errno;
        discard();
        fail("close failed", e);
    }
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
        int e = errno;
        discard();
        fail("rename failed", e);
    }
    committed_ = true;
    temp_.clear();
    // The rename itself is durable only once the directory is synced. The new report is in
    // place already; a failure here still is not success.
    int dir = ::open(directory_of(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) fail("cannot open its directory to sync it", errno);
    int rc = ::fsync(dir);
    int e = errno;
    ::close(dir);
    // Some file systems cannot sync a directory (EINVAL); the rename is all they offer.
    if (rc != 0 && e != EINVAL) fail("fsync of its directory failed", e);
}

}  // namespace redisops
