#include "session/session_record.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "util/text.hpp"

namespace redisops {
namespace {

std::optional<long long> to_integer(std::string_view text) {
    long long v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
    return v;
}

std::optional<long long> json_integer(const nlohmann::json& v) {
    if (v.is_number_integer() || v.is_number_unsigned()) return v.get<long long>();
    if (v.is_number_float()) return static_cast<long long>(v.get<double>());
    if (v.is_string()) return to_integer(v.get_ref<const std::string&>());
    return std::nullopt;
}

/// Strings as they are; numbers, booleans, null, arrays and objects as JSON text.
std::string json_value_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

void sort_fields(Session& s) {
    std::sort(s.fields.begin(), s.fields.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
}

}  // namespace

std::string not_a_session_message(std::string_view key, std::string_view redis_type) {
    return fmt::format("WRONGTYPE {} holds a {}, not a session (a hash or a JSON string)",
                       quote_if_needed(key), redis_type);
}

bool decode_json_session(std::string_view text, Session& s) {
    // Valid JSON is UTF-8; anything else (binary, a pickled object) is not a session we read.
    nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return false;
    for (const auto& [name, value] : doc.items()) {
        if (name == "user_id" && !value.is_null() && !value.is_object() && !value.is_array()) {
            s.user_id = json_value_text(value);
        } else if (name == "created_at" && json_integer(value)) {
            s.created_at = json_integer(value);
        } else if (name == "max_age_ms" && json_integer(value)) {
            s.max_age_ms = json_integer(value);
        } else {
            if (!value.is_string()) s.json_fields.insert(name);
            s.fields.emplace_back(name, json_value_text(value));
        }
    }
    // connect-redis (express-session) keeps the cookie's lifetime in milliseconds here.
    if (!s.max_age_ms && doc.contains("cookie") && doc["cookie"].is_object()) {
        const auto& cookie = doc["cookie"];
        if (cookie.contains("originalMaxAge")) {
            if (auto ms = json_integer(cookie["originalMaxAge"]); ms && *ms > 0) s.max_age_ms = ms;
        }
    }
    sort_fields(s);
    return true;
}

SessionLookup decode_session_reply(std::string_view id, std::string_view key, ReplyView reply) {
    std::string_view type = reply[0].str();
    if (type != "hash" && type != "string") return decode_session_parts(id, key, type, -2, reply);
    return decode_session_parts(id, key, type, reply[1].integer(), reply[2]);
}

SessionLookup decode_session_parts(std::string_view id, std::string_view key, std::string_view type,
                                   long long pttl, ReplyView payload) {
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
    if (type == "hash") {
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
        sort_fields(s);
    } else {
        s.format = SessionFormat::Json;
        if (!decode_json_session(payload.str(), s)) {
            out.state = SessionLookup::State::NotASession;
            out.redis_type = "string (not a JSON object)";
            return out;
        }
    }
    out.state = SessionLookup::State::Live;
    return out;
}

}  // namespace redisops
