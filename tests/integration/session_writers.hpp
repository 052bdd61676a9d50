// Sessions written byte for byte as the frameworks write them (raw commands): connect-redis
// (express-session) JSON strings and Spring Session's indexed repository with its default JDK
// serializer. Shared by the session tests and the --print-acl tests.
#pragma once

#include <chrono>
#include <ctime>
#include <functional>
#include <string>

#include "fixture.hpp"
#include "redis/client.hpp"

namespace redisops::test {

inline long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Date.prototype.toISOString(): 2026-12-01T16:40:00.000Z
inline std::string iso_time(long long ms) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return std::string(buf) + "." + std::to_string(1000 + ms % 1000).substr(1) + "Z";
}

/// What connect-redis' set() stores: JSON.stringify(req.session) — express-session's cookie
/// serializes originalMaxAge, expires, httpOnly and path (undefined fields are dropped) —
/// under `SET sess:<id> <json> EX ceil((expires - now) / 1000)`.
inline std::string connect_json(const std::string& user, long long max_age_ms) {
    return R"({"cookie":{"originalMaxAge":)" + std::to_string(max_age_ms) + R"(,"expires":")" +
           iso_time(now_ms() + max_age_ms) +
           R"(","httpOnly":true,"path":"/"},"passport":{"user":")" + user +
           R"("},"views":3,"cart":[{"sku":"a1","qty":2}]})";
}

inline void connect_set(Connection& c, const std::string& id, const std::string& user,
                        long long max_age_ms = 86'400'000) {
    c.command({"SET", "sess:" + id, connect_json(user, max_age_ms), "EX",
               std::to_string((max_age_ms + 999) / 1000)});
}

// ObjectOutputStream bytes, as Spring's default JdkSerializationRedisSerializer writes them.
inline std::string be(unsigned long long v, int bytes) {
    std::string out;
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    return out;
}
inline const std::string kNumber("java.lang.Number\x86\xac\x95\x1d\x0b\x94\xe0\x8b\x02\x00\x00xp",
                                 29);
inline std::string jdk_long(long long v) {
    return std::string(
               "\xac\xed\x00\x05sr\x00\x0ejava.lang.Long;\x8b\xe4\x90\xcc\x8f#\xdf\x02\x00"
               "\x01J\x00\x05valuexr\x00\x10",
               45) +
           kNumber + be(static_cast<unsigned long long>(v), 8);
}
inline std::string jdk_int(int v) {
    return std::string(
               "\xac\xed\x00\x05sr\x00\x11java.lang.Integer\x12\xe2\xa0\xa4\xf7\x81\x87\x38"
               "\x02\x00\x01I\x00\x05valuexr\x00\x10",
               48) +
           kNumber + be(static_cast<unsigned int>(v), 4);
}
inline std::string jdk_string(const std::string& s) {
    return std::string("\xac\xed\x00\x05t", 5) + be(s.size(), 2) + s;
}
// A serialized object we must never try to read (a SecurityContextImpl, abridged).
inline const std::string kJdkObject(
    "\xac\xed\x00\x05sr\x00=org.springframework.security.core.context.SecurityContextImpl", 69);

inline const std::string kPrincipalIndex =
    "org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME";
inline const std::string kNs = "spring:session";

inline long long next_minute(long long ms) { return ms / 60000 * 60000 + 60000; }

/// RedisIndexedSessionRepository.save() of a new session with the default (JDK) serializer,
/// command for command, as its reference documentation lists them; `send` routes each.
inline void spring_save_with(const std::function<void(const Args&)>& send, const std::string& id,
                             const std::string& user, long long last_access_ms,
                             int max_inactive_s) {
    std::string hash = kNs + ":sessions:" + id;
    send({"HSET", hash, "creationTime", jdk_long(last_access_ms - 5000), "maxInactiveInterval",
          jdk_int(max_inactive_s), "lastAccessedTime", jdk_long(last_access_ms),
          "sessionAttr:" + kPrincipalIndex, jdk_string(user), "sessionAttr:SPRING_SECURITY_CONTEXT",
          kJdkObject});
    send({"SADD", kNs + ":index:" + kPrincipalIndex + ":" + user, jdk_string(id)});
    std::string set = kNs + ":expirations:" +
                      std::to_string(next_minute(last_access_ms + max_inactive_s * 1000LL));
    send({"SADD", set, jdk_string("expires:" + id)});
    send({"EXPIRE", set, std::to_string(max_inactive_s + 300)});
    std::string expires = kNs + ":sessions:expires:" + id;
    send({"APPEND", expires, ""});
    send({"EXPIRE", expires, std::to_string(max_inactive_s)});
    send({"EXPIRE", hash, std::to_string(max_inactive_s + 300)});
}

inline void spring_save(Connection& c, const std::string& id, const std::string& user,
                        long long last_access_ms, int max_inactive_s = 1800) {
    spring_save_with([&](const Args& a) { c.command(a); }, id, user, last_access_ms,
                     max_inactive_s);
}

}  // namespace redisops::test
