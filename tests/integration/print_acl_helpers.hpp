// Shared by the --print-acl tests: create a user from exactly the printed rules (or without one
// command), run a subcommand's operations as that user, and check that each printed command is
// needed.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "fixture.hpp"

namespace redisops::test {

inline std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

inline std::vector<std::string> rule_lines(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) {
        if (!l.empty()) out.push_back(l);
    }
    return out;
}

/// The printed rules, each line sent as it is (its words as argv), then `on >pw`. A second
/// line (commands of newer servers) is refused exactly where the server lacks them.
inline void create_user(Connection& c, const std::string& printed, const std::string& drop = {}) {
    auto all = rule_lines(printed);
    REQUIRE(!all.empty());
    std::string user;
    for (size_t i = 0; i < all.size(); ++i) {
        auto argv = words(all[i]);
        REQUIRE(argv.size() > 3);
        REQUIRE(argv[0] == "ACL");
        REQUIRE(argv[1] == "SETUSER");
        user = argv[2];
        if (!drop.empty()) std::erase(argv, "+" + drop);
        Reply r = c.command_unchecked(argv);
        if (i == 0) {
            INFO(all[i] << ": " << (r.is_error() ? r.error() : ""));
            REQUIRE(!r.is_error());
        } else {
            bool has_no_touch = !c.command_unchecked({"CLIENT", "NO-TOUCH", "OFF"}).is_error();
            CHECK(r.is_error() != has_no_touch);
        }
    }
    c.command({"ACL", "SETUSER", user, "on", ">pw"});
}

inline std::string printed_acl(std::vector<std::string> args) {
    args.push_back("--print-acl");
    CliResult r = run_cli(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
}

/// The commands the printed rules allow, as written after '+'.
inline std::vector<std::string> allowed_commands(const std::string& printed) {
    std::vector<std::string> out;
    for (const auto& w : words(rule_lines(printed).at(0))) {
        if (w.size() > 1 && w[0] == '+') out.push_back(w.substr(1));
    }
    return out;
}

inline CliResult as(const RedisServer& server, const std::string& user,
                    std::vector<std::string> args, const std::string& stdin_data = {}) {
    args.insert(args.begin(), {"--user", user});
    return run_cli(server, args, cli_options(stdin_data, {{"REDISCLI_AUTH", "pw"}}, 60));
}

/// Runs `ops` as `user` and returns the first failure, or exit 0.
using Ops = std::function<CliResult(const std::string& user)>;

/// The user the printed rules are for.
inline std::string printed_user(const std::string& printed) {
    return words(rule_lines(printed).at(0)).at(2);
}

/// Creates the user from exactly `printed`, runs `ops` as it, and deletes it again.
inline CliResult run_as_printed_user(Connection& c, const std::string& printed, const Ops& ops) {
    create_user(c, printed);
    CliResult r = ops(printed_user(printed));
    c.command({"ACL", "DELUSER", printed_user(printed)});
    return r;
}

/// Every printed command is needed: without it some operation exits 4 naming it.
inline void check_each_command_is_needed(const RedisServer& server, const std::string& printed,
                                         const Ops& ops,
                                         const std::vector<std::string>& not_here = {}) {
    Connection c = server.connect();
    for (const auto& cmd : allowed_commands(printed)) {
        if (std::find(not_here.begin(), not_here.end(), cmd) != not_here.end()) continue;
        CAPTURE(cmd);
        c.command({"FLUSHALL"});
        c.command({"SCRIPT", "FLUSH"});
        create_user(c, printed, cmd);
        CliResult r =
            ops(rule_lines(printed)[0].substr(12, rule_lines(printed)[0].find(' ', 12) - 12));
        INFO("stderr: " << r.err);
        CHECK(r.exit_code == 4);
        // A command a script calls: Redis 7.0 answers "The user executing the script can't run
        // this command", Valkey 8 "ACL failure in (key …)", neither with the command's name.
        bool named =
            r.err.find("'" + cmd + "'") != std::string::npos ||
            r.err.find("executing the script can't run this command") != std::string::npos ||
            r.err.find("ACL failure in") != std::string::npos;
        CHECK(named);
        c.command({"ACL", "DELUSER", words(rule_lines(printed)[0])[2]});
    }
}

/// Runs each operation in turn; the first that does not exit as expected is returned.
inline CliResult first_failure(std::vector<std::function<CliResult()>> steps) {
    CliResult last;
    last.exit_code = 0;
    for (auto& step : steps) {
        last = step();
        if (last.exit_code != 0) return last;
    }
    return last;
}

/// Both checks for one printed rule set: a user made from exactly it runs `ops` (exit 0), and
/// `left` asserts what that left in Redis; then each printed command is shown to be needed.
inline void check_printed_acl(const RedisServer& server, Connection& c, const std::string& printed,
                              const Ops& ops, const std::function<void()>& left,
                              const std::vector<std::string>& not_here = {}) {
    CliResult all = run_as_printed_user(c, printed, ops);
    INFO("stdout: " << all.out << " stderr: " << all.err);
    CHECK(all.exit_code == 0);
    left();
    check_each_command_is_needed(server, printed, ops, not_here);
}

}  // namespace redisops::test
