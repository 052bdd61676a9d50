// The shipped surface, checked against the binary's own command tree (`redis-ops completions
// tree`): man pages name every subcommand and flag, committed completions are what the binary
// generates and work in bash, zsh and fish, help teaches, and the install and .deb are complete.
// A flag added without its docs fails here on purpose: run scripts/regen-docs.sh and write
// its man-page entry.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "fixture.hpp"
#include "util/process.hpp"

using namespace redisops;
using namespace redisops::test;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = REDIS_OPS_SOURCE_DIR;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct ShellResult {
    int status = -1;
    std::string out;  // stdout and stderr
};

/// Runs a bash script (bounded by timeout(1)), capturing stdout and stderr together.
ShellResult sh(const std::string& script) {
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

std::string q(const std::string& s) { return "'" + s + "'"; }  // our paths hold no quotes

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, sep);) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

std::set<std::string> words(const std::string& s) {
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
fs::path page_for(const std::string& path) {
    std::string top = path.substr(0, path.find(' '));
    return kSource / "man" / ("redis-ops" + (top.empty() ? "" : "-" + top) + ".1");
}

/// The page's text with the roff escapes for '-' and fonts removed.
std::string plain(std::string roff) {
    std::string out;
    for (size_t i = 0; i < roff.size(); ++i) {
        if (roff[i] == '\\' && i + 1 < roff.size()) {
            if (roff[i + 1] == '-') {
                out += '-';
                ++i;
                continue;
            }
            if (roff[i + 1] == 'f' && i + 2 < roff.size()) {
                i += 2;
                continue;
            }
        }
        out += roff[i];
    }
    return out;
}

/// `--ttl` appears as a whole word: not as the start of `--ttl-max`.
bool mentions_flag(const std::string& text, const std::string& flag) {
    for (size_t at = text.find(flag); at != std::string::npos; at = text.find(flag, at + 1)) {
        char next = at + flag.size() < text.size() ? text[at + flag.size()] : ' ';
        char before = at > 0 ? text[at - 1] : ' ';
        if (!std::isalnum(static_cast<unsigned char>(next)) && next != '-' && before != '-') {
            return true;
        }
    }
    return false;
}

std::string join_words(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& w : v) s += w + " ";
    return s;
}

}  // namespace

TEST_CASE("every subcommand and flag the binary registers is documented in its man page") {
    Tree tree = Tree::load();
    for (const auto& path : tree.commands) {
        CAPTURE(path);
        fs::path page = page_for(path);
        REQUIRE_MESSAGE(fs::exists(page), "no man page ", page.string());
        std::string text = plain(slurp(page));
        CHECK_MESSAGE(text.find(path) != std::string::npos, page.filename().string(),
                      " does not name the subcommand '", path, "'");
        for (const auto& flag : tree.flags[path]) {
            for (const auto& name : flag.names) {
                CHECK_MESSAGE(mentions_flag(text, name), page.filename().string(),
                              " does not document ", name, " of 'redis-ops ", path,
                              "' (run scripts/regen-docs.sh)");
            }
        }
    }
}

TEST_CASE("the man pages are clean under groff -man -ww -z") {
    int pages = 0;
    for (const auto& entry : fs::directory_iterator(kSource / "man")) {
        if (entry.path().extension() != ".1") continue;
        ++pages;
        auto r = sh("groff -man -ww -z " + q(entry.path().string()));
        CHECK_MESSAGE(r.status == 0, entry.path().string(), ": ", r.out);
        CHECK_MESSAGE(r.out.empty(), entry.path().string(), ": ", r.out);
    }
    CHECK(pages >= 9);
}

TEST_CASE("the committed completions are exactly what the binary generates") {
    const std::pair<const char*, const char*> files[] = {
        {"bash", "redis-ops.bash"}, {"zsh", "_redis-ops"}, {"fish", "redis-ops.fish"}};
    for (const auto& [shell, file] : files) {
        CAPTURE(shell);
        auto r = run_cli({"completions", shell});
        REQUIRE(r.exit_code == 0);
        CHECK_MESSAGE(r.out == slurp(kSource / "completions" / file), "completions/", file,
                      " is stale: run scripts/regen-docs.sh");
    }
    CHECK(run_cli({"completions", "powershell"}).exit_code == 2);
}

TEST_CASE("bash completes subcommands, nested subcommands, flags and flag values") {
    Tree tree = Tree::load();
    // One line of COMPREPLY per call, for the command lines below.
    // `-h cache` is a host named cache; `--tls` takes no value, so a subcommand follows it.
    std::vector<std::vector<std::string>> lines = {{"redis-ops", ""},
                                                   {"redis-ops", "-h", "cache", ""},
                                                   {"redis-ops", "--tls", ""},
                                                   {"redis-ops", "--"}};
    std::vector<std::set<std::string>> expected = {
        tree.children(""), tree.children(""), tree.children(""), {}};
    for (const auto& path : tree.commands) {
        if (path.empty()) continue;
        auto line = split("redis-ops " + path, ' ');
        if (!tree.children(path).empty()) {
            lines.push_back(line);
            lines.back().push_back("");
            expected.push_back(tree.children(path));
        }
        for (const auto& f : tree.flags[path]) {
            if (f.choices.empty()) continue;
            lines.push_back(line);
            lines.back().insert(lines.back().end(), {f.names.back(), ""});
            expected.push_back({f.choices.begin(), f.choices.end()});
        }
    }
    std::string script = "source " + q((kSource / "completions/redis-ops.bash").string()) + R"(
t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _redis_ops; echo "${COMPREPLY[*]}"; }
)";
    for (const auto& l : lines) {
        script += "t";
        for (const auto& w : l) script += " " + q(w);
        script += "\n";
    }
    auto r = sh(script);
    REQUIRE(r.status == 0);
    std::vector<std::string> all_lines;  // keep empty lines: split drops them
    std::stringstream in(r.out);
    for (std::string l; std::getline(in, l);) all_lines.push_back(l);
    REQUIRE(all_lines.size() == lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
        CAPTURE(join_words(lines[i]));
        if (expected[i].empty()) {  // `redis-ops --`: the global flags, not `completions`
            CHECK(words(all_lines[i]).count("--url"));
            CHECK(words(all_lines[i]).count("--json"));
        } else {
            CHECK(words(all_lines[i]) == expected[i]);
        }
    }
    CHECK_FALSE(words(all_lines[0]).count("completions"));
    CHECK(tree.children("").count("scan-audit"));
    CHECK(tree.children("").count("lock"));

    // A comma-separated list completes its next item.
    if (tree.is_command("scan-audit")) {
        auto list = sh(script.substr(0, script.find("\nt ") + 1) +
                       "t redis-ops scan-audit --fail-on no-ttl,k");
        CHECK(list.out == "no-ttl,keys-usage\n");
    }
}

TEST_CASE("zsh and fish accept the completions and fish completes from them") {
    std::string zsh_file = (kSource / "completions/_redis-ops").string();
    std::string fish_file = (kSource / "completions/redis-ops.fish").string();
    auto z = sh("zsh -n " + q(zsh_file));
    CHECK_MESSAGE(z.status == 0, "zsh -n (install zsh: scripts/bootstrap.sh): ", z.out);
    // The helpers work (the file's last line calls the completer, which needs compsys).
    auto zhelpers = sh("zsh -fc " + q("source <(head -n -1 " + zsh_file +
                                      "); _redis_ops_subcommands lock; print -l ${reply%%:*}"));
    CHECK(words(zhelpers.out) == Tree::load().children("lock"));
    auto f = sh("fish -n " + q(fish_file));
    CHECK_MESSAGE(f.status == 0, "fish -n (install fish: scripts/bootstrap.sh): ", f.out);

    Tree tree = Tree::load();
    auto complete = [&](const std::string& line) {
        auto r = sh("fish -c " + q("source " + fish_file + "; complete -C \"" + line + "\"") +
                    " | cut -f1");
        return words(r.out);
    };
    CHECK(complete("redis-ops ") == tree.children(""));
    CHECK(complete("redis-ops -h lock lock ") == tree.children("lock"));
    if (tree.is_command("ratelimit hit")) {
        CHECK(complete("redis-ops ratelimit hit k --algorithm ") ==
              std::set<std::string>{"sliding", "fixed", "gcra"});
    }
}

TEST_CASE("help shows the purpose, grouped flags, global flags and examples at every level") {
    Tree tree = Tree::load();
    auto root = run_cli({"--help"});
    CHECK(root.exit_code == 0);
    for (const char* part :
         {"Connection:", "Output:", "Subcommands:", "Examples:", "Exit codes:"}) {
        CHECK_MESSAGE(root.out.find(part) != std::string::npos, part);
    }
    CHECK(root.out.find("completions") == std::string::npos);  // hidden

    for (const auto& path : tree.commands) {
        if (path.empty()) continue;
        CAPTURE(path);
        auto args = split(path, ' ');
        args.push_back("--help");
        auto r = run_cli(args);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("Global flags") != std::string::npos);
        auto examples = r.out.find("Examples:\n");
        REQUIRE_MESSAGE(examples != std::string::npos, "no examples (cmd/help_examples.cpp)");
        if (!tree.flags[path].empty() && tree.children(path).empty()) {
            CHECK(r.out.find("Behaviour:") != std::string::npos);
        }
        // Every flag an example uses exists where the example uses it.
        std::string block = r.out.substr(examples, r.out.find("\n\n", examples) - examples);
        for (const auto& line : split(block, '\n')) {
            std::string at;  // the command path the example has reached
            bool in_redis_ops = false;
            for (std::string w : split(line, ' ')) {
                if (w.ends_with("redis-ops")) {
                    in_redis_ops = true;
                    at.clear();
                    continue;
                }
                if (!in_redis_ops) continue;
                if (w == "--" || w == "|" || w == "&&" || w == "||" || w == ">" || w == "<") {
                    in_redis_ops = false;
                    continue;
                }
                bool ends = w.ends_with(")");
                if (ends) w.pop_back();
                std::string next = at.empty() ? w : at + " " + w;
                if (tree.is_command(next)) {
                    at = next;
                } else if (w.starts_with("--")) {
                    CHECK_MESSAGE(tree.usable_flags(at).count(w.substr(0, w.find('='))),
                                  "example uses ", w, " unknown to 'redis-ops ", at, "': ", line);
                }
                if (ends) in_redis_ops = false;
            }
        }
    }
}

TEST_CASE("a mistyped subcommand suggests the closest name, at any depth") {
    Tree tree = Tree::load();
    auto top = run_cli({"scan-audt"});
    CHECK(top.exit_code == 2);
    CHECK(top.err.find("Did you mean 'scan-audit'?") != std::string::npos);
    if (tree.is_command("lock acquire")) {
        auto nested = run_cli({"lock", "aquire", "deploy"});
        CHECK(nested.exit_code == 2);
        CHECK(nested.err.find("Did you mean 'acquire'?") != std::string::npos);
        // A flag's value that looks like a subcommand is skipped: `-h lock` is a host.
        auto valued = run_cli({"-h", "lock", "lock", "relase"});
        CHECK(valued.err.find("Did you mean 'release'?") != std::string::npos);
    }
}

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
