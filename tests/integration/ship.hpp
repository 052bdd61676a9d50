// Helpers of the ship tests (ship_test.cpp, ship_package_test.cpp): a bash runner and the
// binary's command tree as `redis-ops completions tree` lists it.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "util/process.hpp"

namespace redisops::test::ship {

namespace fs = std::filesystem;

inline const fs::path kSource = REDIS_OPS_SOURCE_DIR;

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct ShellResult {
    int status = -1;
    std::string out;  // stdout and stderr
};

/// Runs a bash script (bounded by timeout(1)), capturing stdout and stderr together.
inline ShellResult sh(const std::string& script) {
    SpawnOptions o;
    o.argv = {"timeout", "120", "bash", "-c", "exec 2>&1\n" + script};
    o.capture_stdout = true;
    ChildProcess child = ChildProcess::spawn(o);
    ShellResult r;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(child.stdout_fd(), buf, sizeof buf);
        if (n > 0) {
            r.out.append(buf, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    child.close_stdout();
    r.status = child.wait();
    return r;
}

inline std::string q(const std::string& s) { return "'" + s + "'"; }  // our paths hold no quotes

inline std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, sep);) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

inline std::set<std::string> words(const std::string& s) {
    std::set<std::string> out;
    std::stringstream in(s);
    for (std::string w; in >> w;) out.insert(w);
    return out;
}

struct Flag {
    std::vector<std::string> names;
    std::vector<std::string> choices;
};

/// The binary's command tree as `redis-ops completions tree` lists it.
struct Tree {
    std::vector<std::string> commands;  // "" is the root, then "lock", "lock acquire", …
    std::map<std::string, std::vector<Flag>> flags;

    static Tree load() {
        auto r = run_cli({"completions", "tree"});
        REQUIRE(r.exit_code == 0);
        Tree t;
        for (const auto& line : split(r.out, '\n')) {
            std::vector<std::string> f;
            std::stringstream in(line);
            for (std::string cell; std::getline(in, cell, '\t');) f.push_back(cell);
            f.resize(4);
            if (f[0] == "command") t.commands.push_back(f[1]);
            if (f[0] == "flag") t.flags[f[1]].push_back({split(f[2], ','), split(f[3], ',')});
        }
        REQUIRE(t.commands.size() > 1);
        return t;
    }

    std::set<std::string> children(const std::string& path) const {
        std::set<std::string> out;
        for (const auto& c : commands) {
            if (c.empty() || c == path) continue;
            std::string rest =
                path.empty() ? c : (c.starts_with(path + " ") ? c.substr(path.size() + 1) : "");
            if (!rest.empty() && rest.find(' ') == std::string::npos) out.insert(rest);
        }
        return out;
    }

    bool is_command(const std::string& path) const {
        return std::find(commands.begin(), commands.end(), path) != commands.end();
    }

    /// Flag names usable at `path`: global, the parents' and its own.
    std::set<std::string> usable_flags(const std::string& path) const {
        std::set<std::string> out = {"--help"};
        for (const auto& [p, fs] : flags) {
            if (!(p.empty() || p == path || path.starts_with(p + " "))) continue;
            for (const auto& f : fs) out.insert(f.names.begin(), f.names.end());
        }
        return out;
    }
};
/// The man page that documents `path`: redis-ops(1) for the root, redis-ops-lock(1) for lock …
inline fs::path page_for(const std::string& path) {
    std::string top = path.substr(0, path.find(' '));
    return kSource / "man" / ("redis-ops" + (top.empty() ? "" : "-" + top) + ".1");
}

}  // namespace redisops::test::ship
