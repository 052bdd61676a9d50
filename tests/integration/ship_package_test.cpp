// Install and package: `cmake --install` lays out the binary, man pages and completions, and
// the .deb CPack builds depends on the Debian runtime libraries and runs from a scratch root.
#include <doctest/doctest.h>

#include "ship.hpp"

using namespace redisops::test;
using namespace redisops::test::ship;

TEST_CASE("cmake --install lays out the binary, man pages and completions") {
    TempDir dir;
    fs::path build = fs::path(cli_path()).parent_path();
    auto r = sh("cmake --install " + q(build.string()) + " --prefix " + q(dir.path()));
    REQUIRE_MESSAGE(r.status == 0, r.out);
    fs::path p = dir.path();
    CHECK(fs::exists(p / "bin/redis-ops"));
    CHECK(fs::exists(p / "share/bash-completion/completions/redis-ops"));
    CHECK(fs::exists(p / "share/zsh/site-functions/_redis-ops"));
    CHECK(fs::exists(p / "share/fish/vendor_completions.d/redis-ops.fish"));
    for (const auto& path : Tree::load().commands) {
        CHECK(fs::exists(p / "share/man/man1" / page_for(path).filename()));
    }
    auto v = sh(q((p / "bin/redis-ops").string()) + " --version");
    CHECK(v.out.starts_with("redis-ops "));
}

TEST_CASE("the .deb depends on the Debian runtime libraries and runs from a scratch root") {
    TempDir dir;
    fs::path build = fs::path(cli_path()).parent_path();
    auto r = sh("cpack -G DEB --config " + q((build / "CPackConfig.cmake").string()) + " -B " +
                q(dir.path() + "/out"));
    REQUIRE_MESSAGE(r.status == 0, r.out);
    fs::path deb;
    for (const auto& e : fs::directory_iterator(dir.path() + "/out")) {
        if (e.path().extension() == ".deb") deb = e.path();
    }
    REQUIRE_MESSAGE(!deb.empty(), r.out);
    auto depends = sh("dpkg-deb -f " + q(deb.string()) + " Depends").out;
    for (const char* lib : {"libhiredis0.14", "libfmt9", "libssl3", "libc6", "libstdc++6"}) {
        CHECK_MESSAGE(depends.find(lib) != std::string::npos, depends);
    }
    auto contents = sh("dpkg-deb -c " + q(deb.string())).out;
    for (const char* file : {"./usr/bin/redis-ops", "./usr/share/man/man1/redis-ops.1",
                             "./usr/share/man/man1/redis-ops-lock.1",
                             "./usr/share/bash-completion/completions/redis-ops",
                             "./usr/share/zsh/site-functions/_redis-ops",
                             "./usr/share/fish/vendor_completions.d/redis-ops.fish"}) {
        CHECK_MESSAGE(contents.find(file) != std::string::npos, file);
    }
    std::string root = dir.path() + "/root";
    REQUIRE(sh("dpkg -x " + q(deb.string()) + " " + q(root)).status == 0);
    auto v = sh(q(root + "/usr/bin/redis-ops") + " --version");
    CHECK(v.status == 0);
    CHECK(v.out.starts_with("redis-ops "));

    // Every shared library the binary loads comes from a package in Depends (sanitizer
    // runtimes aside: they are only there in the ASan build).
    std::string check = R"SH(
deps=", $(dpkg-deb -f "$1" Depends)"
arch=$(dpkg --print-architecture)
for so in $(objdump -p "$2" | awk '/NEEDED/ {print $2}'); do
  case $so in libasan* | libubsan* | liblsan* | libtsan*) continue ;; esac
  pkg=$(dpkg -S "*/$so" 2>/dev/null | grep ":$arch: " | head -n 1 | cut -d: -f1)
  case "$deps," in *", $pkg "* | *", $pkg,"*) ;; *) echo "$so comes from '$pkg', not in Depends" ;; esac
done)SH";
    auto unmet =
        sh("set -- " + q(deb.string()) + " " + q(root + "/usr/bin/redis-ops") + "\n" + check);
    CHECK_MESSAGE(unmet.out.empty(), unmet.out);
}
