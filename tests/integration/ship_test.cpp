// The shipped surface, checked against the binary's own command tree (`redis-ops completions
// tree`): man pages name every subcommand and flag, committed completions are what the binary
// generates and work in bash, zsh and fish, and help teaches. Install and .deb:
// ship_package_test.cpp.
// A flag added without its docs fails here on purpose: run scripts/regen-docs.sh and write
// its man-page entry.
#include "ship.hpp"

#include <doctest/doctest.h>

using namespace redisops::test;
using namespace redisops::test::ship;

namespace {

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

    // After `--` of lock run, the first word is a command.
    if (tree.is_command("lock run")) {
        auto cmd =
            sh(script.substr(0, script.find("\nt ") + 1) + "t redis-ops lock run job -- whoam");
        CHECK(words(cmd.out).count("whoami"));
    }
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
    if (tree.is_command("lock run")) {  // after --, the command line completes as its own
        CHECK(complete("redis-ops lock run job -- whoam") == std::set<std::string>{"whoami"});
        CHECK(complete("redis-ops lock run job --tt").count("--ttl"));
    }
}

// Types a line and TAB into an interactive zsh (zpty) with the completion on $fpath, and
// prints what zsh showed once every expected word is there (or after 20 s).
const char* kZshDriver = R"ZSH(
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D; LISTMAX=1000"
zpty -w -n z "$2"$'\t'
local out chunk i w done
for ((i = 0; i < 200; i++)); do
  while zpty -r -t z chunk; do out+=$chunk; done
  done=1
  for w in ${@[3,-1]}; do [[ $out == *$w* ]] || done=0; done
  ((done)) && break
  sleep 0.1
done
zpty -d z
print -r -- $out
)ZSH";

TEST_CASE("zsh completes subcommands and flag values through compsys") {
    Tree tree = Tree::load();
    TempDir dir;
    std::ofstream(dir.path() + "/driver.zsh") << kZshDriver;
    auto shown = [&](const std::string& line, const std::set<std::string>& expect) {
        std::string cmd = "zsh -f " + q(dir.path() + "/driver.zsh") + " " +
                          q((kSource / "completions").string()) + " " + q(line);
        for (const auto& w : expect) cmd += " " + q(w);
        std::string out = sh(cmd).out;
        out = out.substr(std::min(out.size(), out.find(line) + line.size()));  // after the echo
        for (const auto& w : expect) CHECK_MESSAGE(out.find(w) != std::string::npos, line, w);
    };
    shown("redis-ops lock ", tree.children("lock"));
    shown("redis-ops -h cache ", tree.children(""));
    if (tree.is_command("scan-audit")) shown("redis-ops scan-audit --format=j", {"json", "junit"});
    for (const auto& path : tree.commands) {
        for (const auto& f : tree.flags[path]) {
            if (f.choices.empty()) continue;
            shown("redis-ops " + path + " " + f.names.back() + " ",
                  {f.choices.begin(), f.choices.end()});
        }
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
