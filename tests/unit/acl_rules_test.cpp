#include "acl/acl_rules.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "cache/entry.hpp"
#include "cache/tag_invalidation.hpp"
#include "lock/lease.hpp"
#include "session/user_sessions.hpp"
#include "stream/info.hpp"
#include "stream/pubsub.hpp"
#include "stream/tail.hpp"

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

TEST_CASE("cache_acl: the keys, their companions, the tag sets and both shapes of ready channel") {
    AclRules r = cache_acl("page:", "tag:");
    CHECK(r.keys == std::vector<std::string>{"page:*", "{page:*}:*", "tag:*"});
    // {page:1}:ready for page:1, page:{u1}:ready for a key with a hash tag of its own.
    CHECK(r.channels == std::vector<std::string>{"{page:*}:ready", "page:*:ready"});
    // Without a prefix every key is allowed: nothing narrower is worth listing.
    AclRules all = cache_acl("", "tag:");
    CHECK(all.keys == std::vector<std::string>{"*"});
    CHECK(all.channels == std::vector<std::string>{"*:ready"});
}

TEST_CASE("invalidate_tag_acl: the members, the tag sets and their tombstones") {
    CHECK(invalidate_tag_acl("page:", "t:").keys ==
          std::vector<std::string>{"page:*", "t:*", "{t:*}:*"});
    CHECK(invalidate_tag_acl("", "t:").keys == std::vector<std::string>{"*"});
}

TEST_CASE("stream rules name exactly the streams, read-only unless read as a group") {
    AclRules plain = stream_tail_acl({"orders", "a*b"}, false);
    CHECK(acl_setuser(plain, "u") ==
          "ACL SETUSER u reset +xrevrange +xrange +xread +time %R~orders \"%R~a\\\\*b\"");
    AclRules group = stream_tail_acl({"orders"}, true);
    CHECK_FALSE(group.read_only);
    CHECK(std::find(group.commands.begin(), group.commands.end(), "xreadgroup") !=
          group.commands.end());
    CHECK(stream_info_acl("orders").read_only);
}

TEST_CASE("pubsub_acl: channels escaped, patterns kept as given, the mode's subscribe") {
    PubSubOptions o;
    o.channels = {"news", "a*"};
    CHECK(acl_setuser(pubsub_acl(o), "u") ==
          "ACL SETUSER u reset +subscribe +ping &news \"&a\\\\*\"");
    o.pattern = true;
    CHECK(acl_setuser(pubsub_acl(o), "u") == "ACL SETUSER u reset +psubscribe +ping &news &a*");
    o.pattern = false;
    o.shard = true;
    CHECK(pubsub_acl(o).commands == std::vector<std::string>{"ssubscribe", "ping"});
}

TEST_CASE("session_acl follows the layout and its prefixes; auto lists a shared prefix once") {
    SessionLayout layout;
    layout.kind = LayoutKind::Spring;
    layout.spring_namespace = "app";
    CHECK(session_acl(layout).keys == std::vector<std::string>{"app:*"});
    layout.kind = LayoutKind::Auto;
    layout.prefix = "s:";
    layout.index_prefix = "u:";
    CHECK(session_acl(layout).keys == std::vector<std::string>{"s:*", "u:*", "{u:*}:*", "app:*"});
    layout.kind = LayoutKind::ConnectRedis;
    AclRules connect = session_acl(layout);
    CHECK(connect.keys == std::vector<std::string>{"s:*"});
    CHECK(std::find(connect.commands.begin(), connect.commands.end(), "hset") ==
          connect.commands.end());  // connect-redis never writes a hash
}
