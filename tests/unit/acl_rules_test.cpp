#include "acl/acl_rules.hpp"

#include <doctest/doctest.h>

#include "lock/lease.hpp"

using namespace redisops;

TEST_CASE("prefix_glob escapes the prefix's glob characters and matches what follows") {
    CHECK(prefix_glob("lock:") == "lock:*");
    CHECK(prefix_glob("") == "*");
    CHECK(prefix_glob("a*b?[c]\\") == "a\\*b\\?\\[c\\]\\\\*");
}

TEST_CASE("lock_acl names the lock keys, their same-slot companions and release channels") {
    std::string line = acl_setuser(lock_acl("job:"), "redis-ops-lock");
    CHECK(line.starts_with("ACL SETUSER redis-ops-lock reset +evalsha +script|load "));
    CHECK(line.find(" ~job:* ~{job:*}:* &{job:*}:released") != std::string::npos);
    CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("read-only rules use %R~ and newer commands go on a second line") {
    AclRules r;
    r.keys = {"*"};
    r.read_only = true;
    const char* const cmds[] = {"scan", "type", "scan"};
    r.add_commands(cmds);
    r.newer_commands = {"client|no-touch"};
    CHECK(acl_setuser(r, "a") ==
          "ACL SETUSER a reset +scan +type %R~*\nACL SETUSER a +client|no-touch");
}
