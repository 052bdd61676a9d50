#include "util/suggest.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace redisops;

namespace {

// A small grammar shaped like redis-ops: global -h/--host (valued) and --json, two commands.
CommandNode tree() {
    CommandNode root{"", {"-h", "--host", "--json", "-n"}, {"-h", "--host", "-n"}, {}};
    CommandNode session{"session", {}, {}, {}};
    session.children.push_back({"get", {"--prefix", "--touch"}, {"--prefix"}, {}});
    session.children.push_back(
        {"create", {"--prefix", "--user-id"}, {"--prefix", "--user-id"}, {}});
    CommandNode lock{"lock", {}, {}, {}};
    lock.children.push_back({"acquire", {"--prefix", "--ttl"}, {"--prefix", "--ttl"}, {}});
    lock.children.push_back({"release", {"--prefix", "--force"}, {"--prefix"}, {}});
    root.children = {session, lock};
    return root;
}

ArgvDiagnosis diagnose(std::vector<std::string> words) { return diagnose_argv(tree(), words); }

std::string message(std::vector<std::string> words) {
    return diagnosis_message(diagnose(std::move(words)), "redis-ops").value_or("");
}

}  // namespace

TEST_CASE("edit distance counts insertions, deletions and substitutions") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("lock", "lock") == 0);
    CHECK(edit_distance("aquire", "acquire") == 1);
    CHECK(edit_distance("relase", "release") == 1);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("the closest name is within two edits or begun by what was typed") {
    std::vector<std::string> names{"cache", "session", "scan-audit", "stream"};
    CHECK(closest_name("scan-audt", names) == "scan-audit");
    CHECK(closest_name("sesion", names) == "session");
    CHECK(closest_name("scan", names) == "scan-audit");  // a prefix of 3+ bytes
    CHECK(closest_name("xyzzy", names).empty());
    CHECK(closest_name("cache", names).empty());  // already a name: nothing to suggest
}

TEST_CASE("the argv walk descends into subcommands and suggests at the depth it stopped") {
    auto d = diagnose({"lock", "aquire", "deploy"});
    CHECK(d.path == std::vector<std::string>{"lock"});
    CHECK(d.unknown_command == "aquire");
    CHECK(d.suggestion == "acquire");
    CHECK(message({"lock", "aquire", "deploy"}) ==
          "unknown subcommand aquire for 'lock'\nDid you mean 'acquire'?");
    CHECK(message({"sesion", "get", "x"}) == "unknown subcommand sesion\nDid you mean 'session'?");
}

TEST_CASE("the argv walk skips the values of flags, even ones that name subcommands") {
    auto d = diagnose({"-h", "lock", "lock", "relase"});
    CHECK(d.path == std::vector<std::string>{"lock"});
    CHECK(d.suggestion == "release");
    CHECK(diagnose({"--host=session", "lock", "acquire"}).path ==
          std::vector<std::string>{"lock", "acquire"});
    CHECK(diagnose({"-n1", "lock", "acquire"}).path == std::vector<std::string>{"lock", "acquire"});
    // --json takes no value, so the word after it is the subcommand.
    CHECK(diagnose({"--json", "lock", "acquire", "x"}).path ==
          std::vector<std::string>{"lock", "acquire"});
    // Nothing after "--" is looked at.
    CHECK_FALSE(diagnose({"--", "nope"}).unknown_command);
    CHECK_FALSE(diagnosis_message(diagnose({"lock", "acquire", "x", "--ttl", "5s"}), "redis-ops"));
}

TEST_CASE("a subcommand's flag given before the subcommand names where it goes") {
    auto d = diagnose({"--prefix", "sess:", "session", "get", "X"});
    CHECK(d.misplaced_flag == "--prefix");
    CHECK(d.flag_owner == std::vector<std::string>{"session get"});
    CHECK_FALSE(d.unknown_command);  // sess: was the flag's value, not a subcommand
    CHECK(message({"--prefix", "sess:", "session", "get", "X"}) ==
          "--prefix belongs to 'session get' and goes after it: redis-ops session get --prefix …");
    // Between the parent and the leaf.
    CHECK(diagnose({"lock", "--ttl", "5s", "acquire", "x"}).flag_owner ==
          std::vector<std::string>{"lock acquire"});
    // No subcommand chosen: every owner is named.
    std::string all = message({"--prefix", "p"});
    CHECK(all ==
          "--prefix is a flag of 'session get', 'session create', 'lock acquire' and "
          "'lock release'; it goes after the subcommand");
    // A flag nobody has is left to the parser's own message.
    CHECK_FALSE(diagnose({"--nope", "lock", "acquire", "x"}).misplaced_flag);
}

TEST_CASE("when a parent has the flag too, the deepest command on the line is named") {
    // `session --prefix` exists for --print-acl; `--prefix sess: session get X` meant get's.
    CommandNode root = tree();
    root.children[0].flags = {"--prefix", "--print-acl"};
    root.children[0].valued_flags = {"--prefix"};
    auto d =
        diagnose_argv(root, std::vector<std::string>{"--prefix", "sess:", "session", "get", "X"});
    CHECK(d.flag_owner == std::vector<std::string>{"session get"});
    // With only the parent chosen, the parent is named.
    auto parent = diagnose_argv(root, std::vector<std::string>{"--prefix", "p", "session"});
    CHECK(parent.flag_owner == std::vector<std::string>{"session"});
}
