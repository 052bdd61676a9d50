// Which framework wrote the sessions: redis-ops' own HASH layout, connect-redis (express) or
// Spring Session's indexed repository, and where each keeps its keys. `auto` decides per key
// from its type and content. Every prefix and path is a flag.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "util/enum_table.hpp"

namespace redisops {

enum class LayoutKind { Auto, RedisOps, ConnectRedis, Spring };

/// The one name <-> value table for --layout (help text, parsing, completions and JSON).
inline constexpr EnumTable kLayouts{
    "layout",
    std::array{
        EnumName<LayoutKind>{"auto", LayoutKind::Auto, "decided per key from its type and content"},
        EnumName<LayoutKind>{"redis-ops", LayoutKind::RedisOps, "HASH session:<id> and an index"},
        EnumName<LayoutKind>{"connect-redis", LayoutKind::ConnectRedis, "JSON string sess:<id>"},
        EnumName<LayoutKind>{"spring", LayoutKind::Spring, "Spring Session's indexed repository"},
    }};

constexpr std::string_view layout_name(LayoutKind kind) { return kLayouts.name(kind); }
/// Throws UsageError("--layout: …") naming the accepted values.
inline LayoutKind parse_layout(std::string_view text) { return kLayouts.parse(text, "--layout"); }

/// Spring's principal index name, the suffix of the index key and of its session attribute.
inline constexpr std::string_view kSpringPrincipalIndex =
    "org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME";

/// Where sessions and their indexes live.
struct SessionLayout {
    LayoutKind kind = LayoutKind::RedisOps;
    std::optional<std::string> prefix;  // --prefix; default per layout (session: / sess:)
    std::string index_prefix = "user_sessions:";
    std::string spring_namespace = "spring:session";
    std::string user_field = "passport.user";  // connect-redis: dot path of the user

    /// The session key prefix of a concrete layout (not Spring, whose keys follow the namespace).
    std::string prefix_for(LayoutKind k) const;

    /// redis-ops layout keys.
    std::string session_key(std::string_view id) const {
        return prefix_for(LayoutKind::RedisOps) + std::string(id);
    }
    std::string index_key(std::string_view user_id) const {
        return index_prefix + std::string(user_id);
    }
    std::string connect_key(std::string_view id) const {
        return prefix_for(LayoutKind::ConnectRedis) + std::string(id);
    }

    /// Spring Session keys.
    std::string spring_sessions_prefix() const { return spring_namespace + ":sessions:"; }
    std::string spring_hash_key(std::string_view id) const {
        return spring_sessions_prefix() + std::string(id);
    }
    std::string spring_expires_key(std::string_view id) const {
        return spring_sessions_prefix() + "expires:" + std::string(id);
    }
    std::string spring_expirations_key(long long minute_ms) const {
        return spring_namespace + ":expirations:" + std::to_string(minute_ms);
    }
    std::string spring_index_key(std::string_view principal) const {
        return spring_namespace + ":index:" + std::string(kSpringPrincipalIndex) + ":" +
               std::string(principal);
    }
};

}  // namespace redisops
