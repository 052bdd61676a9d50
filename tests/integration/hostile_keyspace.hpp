// A keyspace whose key names try to break every report format: markup, quotes, backslashes,
// newlines, invalid UTF-8, JS line separators, template syntax, and a KEYS call in the slow log
// whose pattern is markup too. Shared by the report tests and the browser test.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fixture.hpp"
#include "redis/pipeline.hpp"

namespace redisops::test {

inline std::vector<std::string> hostile_keys() {
    return {
        "<img src=x onerror=alert(1)>",
        "</script><script>alert(2)</script>",
        "<script>alert(3)</script>",
        "x\" onmouseover=\"alert(4)",
        "quote\"and\\backslash",
        "new\nline:1",
        "carriage\rreturn",
        std::string("bad:\xff\xfe:utf8"),
        std::string("nul\0byte", 8),
        "line\xe2\x80\xa8separator",
        "]]><!-- comment -->",
        "{{7*7}}${alert(5)}",
        "&lt;already&gt;&amp;",
        "svg:<svg onload=alert(6)>",
    };
}

/// Loads the hostile keys (none with a TTL; the markup key with a 200 KB value, so it is a big
/// key and the top key) and some ordinary ones, and runs a KEYS with a markup pattern so it shows
/// in the slow log (the server must run with --slowlog-log-slower-than 0).
inline void load_hostile_keyspace(const RedisServer& server) {
    Connection c = server.connect();
    Pipeline p(c);
    for (const auto& k : hostile_keys()) p.add({"SET", k, "v"});
    p.add({"SET", "<script>alert(3)</script>", std::string(200'000, 's')});
    for (int i = 0; i < 50; ++i) {
        p.add({"SET", "user:" + std::to_string(i) + ":profile", "{}", "EX", "7200"});
        p.add({"HSET", "cart:" + std::to_string(i), "a", "1"});
        p.add({"RPUSH", "<b>feed</b>:" + std::to_string(i), "x"});
    }
    for (const auto& r : p.exec()) REQUIRE_FALSE(r.is_error());
    c.command({"CLIENT", "SETNAME", "legacy-app"});
    c.command({"KEYS", "<img src=x onerror=alert(7)>*"});
}

}  // namespace redisops::test
