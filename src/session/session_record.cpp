#include "session/session_record.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "session/spring_value.hpp"
#include "util/text.hpp"

namespace redisops {
namespace {

std::optional<long long> to_integer(std::string_view text) {
    long long v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
    return v;
}

/// Strings as they are; numbers, booleans, null, arrays and objects as JSON text.
std::string json_value_text(const nlohmann::ordered_json& v) {
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

/// A JSON number or numeric string as an integer; nullopt when it is none, or when it does not fit
/// in 64 bits (a float as large as 4.4e34, an unsigned above 2^63 - 1): never a wrapped value.
std::optional<long long> json_integer(const nlohmann::ordered_json& v) {
    if (v.is_number_unsigned()) {
        auto u = v.get<unsigned long long>();
        if (u > static_cast<unsigned long long>(std::numeric_limits<long long>::max()))
            return std::nullopt;
        return static_cast<long long>(u);
    }
    if (v.is_number_integer()) return v.get<long long>();
    if (v.is_number_float()) {
        double d = v.get<double>();
        // 2^63 is exact as a double; the cast is defined only below it (and from -2^63 up).
        if (!std::isfinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
            return std::nullopt;
        return static_cast<long long>(d);
    }
    if (v.is_string()) return to_integer(v.get_ref<const std::string&>());
    return std::nullopt;
}

void add_field(Session& s, const std::string& name, const nlohmann::ordered_json& value) {
    if (!value.is_string()) s.json_values[name] = value;
    s.fields.emplace_back(name, json_value_text(value));
}

/// express-session keeps the cookie's lifetime in milliseconds at cookie.originalMaxAge.
void cookie_max_age(const nlohmann::ordered_json& doc, Session& s) {
    auto cookie = doc.find("cookie");
    if (cookie == doc.end() || !cookie->is_object()) return;
    auto age = cookie->find("originalMaxAge");
    if (age == cookie->end()) return;
    if (auto ms = json_integer(*age); ms && *ms > 0) s.max_age_ms = ms;
}

bool is_spring_field(std::string_view name) {
    return name == "creationTime" || name == "lastAccessedTime" || name == "maxInactiveInterval" ||
           name.starts_with("sessionAttr:");
}

void decode_spring_hash(ReplyView payload, Session& s) {
    s.layout = LayoutKind::Spring;
    SpringFacts f;
    const std::string principal_field = "sessionAttr:" + std::string(kSpringPrincipalIndex);
    for (size_t i = 0; i + 1 < payload.size(); i += 2) {
        std::string name(payload[i].str());
        std::string_view value = payload[i + 1].str();
        if (name == "creationTime") {
            f.creation_ms = spring_number(value).value_or(0);
            s.created_at = f.creation_ms / 1000;
        } else if (name == "lastAccessedTime") {
            f.last_accessed_ms = spring_number(value, &f.codec).value_or(0);
        } else if (name == "maxInactiveInterval") {
            f.max_inactive_s = spring_number(value).value_or(0);
            if (f.max_inactive_s > 0) s.max_age_ms = f.max_inactive_s * 1000;
        } else {
            if (name == principal_field) s.user_id = spring_string(value);
            if (auto doc = spring_attribute_json(value)) {
                add_field(s, name, *doc);
            } else {
                s.fields.emplace_back(std::move(name), std::string(value));
            }
        }
    }
    if (f.codec.empty()) f.codec = "jdk";  // Spring's default serializer
    s.spring = f;
}

bool looks_like_spring(ReplyView payload) {
    for (size_t i = 0; i + 1 < payload.size(); i += 2) {
        std::string_view name = payload[i].str();
        if (name == "creationTime" || name == "lastAccessedTime" || name == "maxInactiveInterval")
            return true;
        if (!is_spring_field(name)) return false;
    }
    return false;
}

}  // namespace

std::string not_a_session_message(std::string_view key, std::string_view redis_type) {
    return fmt::format("WRONGTYPE {} holds a {}, not a session (a hash or a JSON string)",
                       quote_if_needed(key), redis_type);
}

std::optional<std::string> json_path_text(const nlohmann::ordered_json& doc,
                                          std::string_view path) {
    const nlohmann::ordered_json* at = &doc;
    while (!path.empty()) {
        size_t dot = path.find('.');
        std::string part(path.substr(0, dot));
        if (!at->is_object()) return std::nullopt;
        auto it = at->find(part);
        if (it == at->end()) return std::nullopt;
        at = &*it;
        path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    }
    if (at->is_null() || at->is_object() || at->is_array()) return std::nullopt;
    return json_value_text(*at);
}

bool decode_json_session(std::string_view text, Session& s, LayoutKind kind,
                         std::string_view user_field) {
    // Valid JSON is UTF-8; anything else (binary, a pickled object) is not a session we read.
    auto doc = nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return false;
    if (kind == LayoutKind::Auto || kind == LayoutKind::Spring) {
        auto cookie = doc.find("cookie");
        kind = cookie != doc.end() && cookie->is_object() ? LayoutKind::ConnectRedis
                                                          : LayoutKind::RedisOps;
    }
    s.layout = kind;
    if (kind == LayoutKind::ConnectRedis) {
        // The whole document is express-session's: every key stays a field, in stored order.
        s.user_id = json_path_text(doc, user_field);
        for (const auto& [name, value] : doc.items()) add_field(s, name, value);
        cookie_max_age(doc, s);
        return true;
    }
    for (const auto& [name, value] : doc.items()) {
        if (name == "user_id" && !value.is_null() && !value.is_object() && !value.is_array()) {
            s.user_id = json_value_text(value);
        } else if (name == "created_at" && json_integer(value)) {
            s.created_at = json_integer(value);
        } else if (name == "max_age_ms" && json_integer(value)) {
            s.max_age_ms = json_integer(value);
        } else {
            add_field(s, name, value);
        }
    }
    if (!s.max_age_ms) cookie_max_age(doc, s);
    return true;
}

SessionLookup decode_session_reply(std::string_view id, std::string_view key, ReplyView reply,
                                   const SessionLayout& layout) {
    std::string_view type = reply[0].str();
    if (type != "hash" && type != "string") {
        return decode_session_parts(id, key, type, -2, reply, layout);
    }
    return decode_session_parts(id, key, type, reply[1].integer(), reply[2], layout);
}

SessionLookup decode_session_parts(std::string_view id, std::string_view key, std::string_view type,
                                   long long pttl, ReplyView payload, const SessionLayout& layout) {
    SessionLookup out;
    if (type == "none") return out;
    if (type != "hash" && type != "string") {
        out.state = SessionLookup::State::NotASession;
        out.redis_type = std::string(type);
        return out;
    }
    Session& s = out.session;
    s.id = std::string(id);
    s.key = std::string(key);
    if (pttl >= 0) s.ttl_ms = pttl;
    if (type == "hash" && (layout.kind == LayoutKind::Spring ||
                           (layout.kind == LayoutKind::Auto && looks_like_spring(payload)))) {
        s.format = SessionFormat::Hash;
        decode_spring_hash(payload, s);
    } else if (type == "hash") {
        s.format = SessionFormat::Hash;
        for (size_t i = 0; i + 1 < payload.size(); i += 2) {
            std::string name(payload[i].str());
            std::string value(payload[i + 1].str());
            if (name == "user_id") {
                s.user_id = value;
            } else if (name == "created_at" && to_integer(value)) {
                s.created_at = to_integer(value);
            } else if (name == "max_age_ms" && to_integer(value)) {
                s.max_age_ms = to_integer(value);
            } else {
                s.fields.emplace_back(std::move(name), std::move(value));
            }
        }
    } else {
        s.format = SessionFormat::Json;
        if (!decode_json_session(payload.str(), s, layout.kind, layout.user_field)) {
            out.state = SessionLookup::State::NotASession;
            out.redis_type = "string (not a JSON object)";
            return out;
        }
    }
    out.state = SessionLookup::State::Live;
    return out;
}

}  // namespace redisops
