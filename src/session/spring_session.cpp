#include "session/spring_session.hpp"

#include <algorithm>

#include "redis/errors.hpp"
#include "redis/slot.hpp"
#include "session/session_field.hpp"
#include "session/session_store.hpp"
#include "session/spring_value.hpp"

namespace redisops {
namespace {

struct SpringScripts {
    Script touch{"spring_session_touch"};
    Script destroy{"spring_session_destroy"};
};

const SpringScripts& scripts() {
    static const SpringScripts s;
    return s;
}

long long server_now_ms(Client& client) {
    Reply t = client.command({"TIME"});
    return std::stoll(std::string(t[0].str())) * 1000 + std::stoll(std::string(t[1].str())) / 1000;
}

/// Spring's keys of one session hash to different slots (no braces) unless the namespace and
/// ids were chosen with hash tags.
bool keys_share_slot(const Args& keys) {
    return std::all_of(keys.begin(), keys.end(),
                       [&](const std::string& k) { return hash_slot(k) == hash_slot(keys[0]); });
}

long long deadline_ms(const SpringFacts& f) { return f.last_accessed_ms + f.max_inactive_s * 1000; }

Args member_forms(std::string_view text) {
    std::vector<std::string> forms = spring_string_encodings(text);
    return Args(forms.begin(), forms.end());
}

/// The session's own form first: the one its serializer wrote.
Args expiry_member_forms(const Session& s) {
    std::string member = "expires:" + s.id;
    Args forms{encode_spring_string(member, s.spring->codec == "jdk" ? "jdk" : "json")};
    for (auto& f : member_forms(member)) {
        if (f != forms[0]) forms.push_back(f);
    }
    return forms;
}

}  // namespace

long long spring_expiration_minute(long long deadline) { return deadline / 60000 * 60000 + 60000; }

void spring_read_deadline(Client& client, const SessionLayout& layout, Session& s) {
    std::string key = layout.spring_expires_key(s.id);
    long long pttl = client.command_for_key(key, {"PTTL", key}).integer();
    if (pttl >= 0) {
        s.ttl_ms = pttl;
    } else if (pttl == -1) {
        s.ttl_ms.reset();
    }
}

std::optional<std::chrono::milliseconds> spring_touch(Client& client, const SessionLayout& layout,
                                                      const Session& s) {
    const SpringFacts& f = *s.spring;
    long long now = server_now_ms(client);
    std::string hash = s.key;
    std::string expires = layout.spring_expires_key(s.id);
    std::string old_set = layout.spring_expirations_key(spring_expiration_minute(deadline_ms(f)));
    long long new_deadline = now + f.max_inactive_s * 1000;
    std::string new_set = layout.spring_expirations_key(spring_expiration_minute(new_deadline));
    std::string stamp = encode_spring_long(now, f.codec);
    Args forms = expiry_member_forms(s);
    Args keys{hash, expires, old_set, new_set};
    auto lifetime = std::chrono::milliseconds(std::max<long long>(f.max_inactive_s, 0) * 1000);
    if (!client.options().cluster || keys_share_slot(keys)) {
        Args args{stamp, std::to_string(f.max_inactive_s)};
        args.insert(args.end(), forms.begin(), forms.end());
        if (eval_unsplit(client, scripts().touch, keys, args).integer() == 0) return std::nullopt;
        return lifetime;
    }
    // Cluster: Spring's own sequence, one key per command. Not atomic: a crash halfway leaves
    // what Spring's own crash would (a stale expirations member, which its cleanup ignores).
    if (client.command_for_key(hash, {"EXISTS", hash}).integer() == 0) return std::nullopt;
    client.command_for_key(hash, {"HSET", hash, "lastAccessedTime", stamp});
    std::string member = forms[0];
    if (old_set != new_set) {
        for (const auto& form : forms) {
            if (client.command_for_key(old_set, {"SREM", old_set, form}).integer() > 0) {
                member = form;
            }
        }
    }
    std::string secs = std::to_string(f.max_inactive_s);
    std::string secs_after = std::to_string(f.max_inactive_s + 300);
    if (f.max_inactive_s < 0) {
        client.command_for_key(expires, {"APPEND", expires, ""});
        client.command_for_key(expires, {"PERSIST", expires});
        client.command_for_key(hash, {"PERSIST", hash});
        return lifetime;
    }
    client.command_for_key(new_set, {"SADD", new_set, member});
    client.command_for_key(new_set, {"EXPIRE", new_set, secs_after});
    if (f.max_inactive_s == 0) {
        client.command_for_key(expires, {"DEL", expires});
    } else {
        client.command_for_key(expires, {"APPEND", expires, ""});
        client.command_for_key(expires, {"EXPIRE", expires, secs});
    }
    client.command_for_key(hash, {"EXPIRE", hash, secs_after});
    return lifetime;
}

bool spring_destroy(Client& client, const SessionLayout& layout, const Session& s) {
    std::string expires = layout.spring_expires_key(s.id);
    std::string set =
        layout.spring_expirations_key(spring_expiration_minute(deadline_ms(*s.spring)));
    Args expiry_forms = member_forms("expires:" + s.id);
    Args id_forms = member_forms(s.id);
    Args keys{s.key, expires, set};
    if (s.user_id) keys.push_back(layout.spring_index_key(*s.user_id));
    if (!client.options().cluster || keys_share_slot(keys)) {
        Args args = expiry_forms;
        args.insert(args.end(), id_forms.begin(), id_forms.end());
        return eval_unsplit(client, scripts().destroy, keys, args).integer() > 0;
    }
    // Cluster: the hash first, so the session ends at once; the rest is bookkeeping that
    // Spring's own cleanup tolerates when it is missing.
    long long n = client.command_for_key(s.key, {"DEL", s.key}).integer();
    client.command_for_key(expires, {"DEL", expires});
    Args srem{"SREM", set};
    srem.insert(srem.end(), expiry_forms.begin(), expiry_forms.end());
    client.command_for_key(set, srem);
    if (keys.size() > 3) {
        Args isrem{"SREM", keys[3]};
        isrem.insert(isrem.end(), id_forms.begin(), id_forms.end());
        client.command_for_key(keys[3], isrem);
    }
    return n > 0;
}

SessionListing spring_list(Client& client, const SessionLayout& layout, std::string_view user) {
    check_identifier(user, "--user-id");
    SessionListing out;
    out.index_key = layout.spring_index_key(user);
    SessionLayout as_spring = layout;
    as_spring.kind = LayoutKind::Spring;
    std::string type(client.command_for_key(out.index_key, {"TYPE", out.index_key}).str());
    if (type == "none") return out;
    if (type != "set") {
        throw ReplyError("WRONGTYPE " + out.index_key + " holds a " + type +
                         ", not Spring's principal index (a set)");
    }
    scan_set_members(client, out.index_key, [&](const std::vector<std::string>& members) {
        std::vector<std::string> ids, keys;
        for (const auto& m : members) {
            std::optional<std::string> id = spring_string(m);
            if (!id || id->empty()) {
                ++out.skipped;
                continue;
            }
            ids.push_back(*id);
            keys.push_back(layout.spring_hash_key(*id));
        }
        std::vector<SessionLookup> found = read_sessions(client, ids, keys, as_spring);
        for (auto& f : found) {
            // Spring removes members itself when its expiry events arrive; a member without a
            // session is left to it, and counted.
            if (f.state != SessionLookup::State::Live || !f.session.spring) {
                ++out.skipped;
                continue;
            }
            spring_read_deadline(client, layout, f.session);
            out.sessions.push_back(std::move(f.session));
        }
    });
    // Oldest first. (Sorted by key, not through the optional SpringFacts: GCC 12 sees a
    // maybe-uninitialized read there.)
    std::vector<std::pair<long long, size_t>> order;
    order.reserve(out.sessions.size());
    for (size_t k = 0; k < out.sessions.size(); ++k) {
        order.emplace_back(out.sessions[k].created_at.value_or(0), k);
    }
    std::sort(order.begin(), order.end());
    std::vector<Session> sorted;
    sorted.reserve(order.size());
    for (const auto& [t, k] : order) sorted.push_back(std::move(out.sessions[k]));
    out.sessions = std::move(sorted);
    return out;
}

DestroyAllResult spring_destroy_all(Client& client, const SessionLayout& layout,
                                    std::string_view user) {
    SessionListing l = spring_list(client, layout, user);
    DestroyAllResult out;
    out.index_key = l.index_key;
    out.index_entries = l.sessions.size() + l.skipped;
    for (Session& s : l.sessions) {
        // Found through this index, so its member goes from this index even when the session
        // does not name its principal itself.
        if (!s.user_id) s.user_id = std::string(user);
        if (spring_destroy(client, layout, s)) ++out.destroyed;
    }
    return out;
}

}  // namespace redisops
