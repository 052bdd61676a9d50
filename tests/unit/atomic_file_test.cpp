#include "util/atomic_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/errors.hpp"

using namespace redisops;
namespace fs = std::filesystem;

namespace {

struct ScratchDir {
    ScratchDir() {
        std::string t = (fs::temp_directory_path() / "atomic-file-test.XXXXXX").string();
        if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
        path = t;
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path, ec);
    }
    fs::path path;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

size_t entries(const fs::path& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

}  // namespace

TEST_CASE("an atomic file appears only on close, whole, with the mode a redirection gives") {
    ScratchDir d;
    fs::path target = d.path / "report.prom";
    mode_t old = ::umask(022);
    {
        AtomicFileSink sink(target.string());
        CHECK_FALSE(fs::exists(target));
        CHECK(fs::exists(sink.temp_path()));
        CHECK(fs::path(sink.temp_path()).parent_path() == d.path);
        std::string big(200'000, 'x');  // more than the sink buffers
        sink.write("head\n");
        sink.write(big);
        sink.write("tail\n");
        CHECK_FALSE(fs::exists(target));
        sink.close();
        CHECK(slurp(target) == "head\n" + big + "tail\n");
    }
    ::umask(old);
    CHECK(entries(d.path) == 1);  // no temp file left
    CHECK((fs::status(target).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
           fs::perms::others_read));
}

TEST_CASE("an atomic file replaces the old one and keeps its permission bits") {
    ScratchDir d;
    fs::path target = d.path / "report.json";
    { std::ofstream(target) << "old"; }
    fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write);
    AtomicFileSink sink(target.string());
    sink.write("new");
    CHECK(slurp(target) == "old");
    sink.close();
    CHECK(slurp(target) == "new");
    CHECK((fs::status(target).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    CHECK(entries(d.path) == 1);
}

TEST_CASE("an atomic file destroyed without close leaves the old file and no temp file") {
    ScratchDir d;
    fs::path target = d.path / "report.html";
    { std::ofstream(target) << "old report"; }
    std::string temp;
    {
        AtomicFileSink sink(target.string());
        temp = sink.temp_path();
        sink.write("half of a new rep");
        sink.flush();
        CHECK(fs::exists(temp));
    }  // as when the audit throws
    CHECK_FALSE(fs::exists(temp));
    CHECK(slurp(target) == "old report");
    CHECK(entries(d.path) == 1);
}

TEST_CASE("an atomic file refuses directories, devices and missing directories with OutputError") {
    ScratchDir d;
    CHECK_THROWS_AS(AtomicFileSink(d.path.string()), OutputError);
    CHECK_THROWS_AS(AtomicFileSink(""), OutputError);
    CHECK_THROWS_AS(AtomicFileSink("/dev/null"), OutputError);  // a rename would replace it
    CHECK(fs::is_character_file("/dev/null"));
    try {
        AtomicFileSink((d.path / "missing" / "report.prom").string());
        FAIL("no error");
    } catch (const OutputError& e) {
        CHECK(std::string(e.what()).find("missing/report.prom") != std::string::npos);
        CHECK(std::string(e.what()).starts_with("cannot write output: "));
    }
    CHECK(entries(d.path) == 0);
}

TEST_CASE("an atomic file in a directory it cannot write fails before any work, old file intact") {
    if (::geteuid() == 0) return;  // root writes anywhere; the integration test mounts read-only
    ScratchDir d;
    fs::path target = d.path / "report.prom";
    { std::ofstream(target) << "old"; }
    fs::permissions(d.path, fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_AS(AtomicFileSink(target.string()), OutputError);
    CHECK(slurp(target) == "old");
}

TEST_CASE("an atomic file written through a symlink replaces the file it names; the link stays") {
    ScratchDir d;
    fs::create_directory(d.path / "reports");
    fs::path real = d.path / "reports" / "audit.prom";
    { std::ofstream(real) << "old"; }
    fs::path link = d.path / "current.prom";
    fs::create_symlink("reports/audit.prom", link);  // relative, as `ln -s` makes them
    fs::path chain = d.path / "chain.prom";
    fs::create_symlink(link, chain);  // a link to a link
    {
        AtomicFileSink sink(chain.string());
        CHECK(fs::path(sink.temp_path()).parent_path() == d.path / "reports");
        sink.write("new");
        sink.close();
    }
    CHECK(fs::is_symlink(link));
    CHECK(fs::is_symlink(chain));
    CHECK(slurp(real) == "new");
    CHECK(entries(d.path / "reports") == 1);

    // A dangling link: the file it names is created, as `> link` would.
    fs::path dangling = d.path / "next.prom";
    fs::create_symlink("reports/next.prom", dangling);
    {
        AtomicFileSink sink(dangling.string());
        sink.write("first");
        sink.close();
    }
    CHECK(fs::is_symlink(dangling));
    CHECK(slurp(d.path / "reports" / "next.prom") == "first");

    // A loop is an error naming the path the user gave.
    fs::create_symlink(d.path / "loop-b", d.path / "loop-a");
    fs::create_symlink(d.path / "loop-a", d.path / "loop-b");
    try {
        AtomicFileSink((d.path / "loop-a").string());
        FAIL("no error");
    } catch (const OutputError& e) {
        CHECK(std::string(e.what()).find("loop-a") != std::string::npos);
        CHECK(e.errno_value() == ELOOP);
    }
}
