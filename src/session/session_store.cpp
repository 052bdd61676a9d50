#include "session/session_store.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "redis/errors.hpp"
#include "redis/slot.hpp"
#include "session/connect_session.hpp"
#include "session/spring_session.hpp"
#include "util/random.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

/// The embedded scripts, hashed once.
struct SessionScripts {
    Script read{"session_read"};
    Script create{"session_create"};
    Script index{"session_index"};
    Script touch{"session_touch"};
    Script destroy{"session_destroy"};
};

const SessionScripts& scripts() {
    static const SessionScripts s;
    return s;
}

std::string index_wrongtype_message(std::string_view key, std::string_view type) {
    return fmt::format("WRONGTYPE {} holds a {}, not a set of session ids", quote_if_needed(key),
                       type);
}

/// On the two-step path nothing may be written before we know the index can take the id.
void require_set_or_missing(Client& client, const std::string& index) {
    std::string type(client.command_for_key(index, {"TYPE", index}).str());
    if (type != "none" && type != "set") throw ReplyError(index_wrongtype_message(index, type));
}

/// Redis' own WRONGTYPE text does not say which key; name it and what it should hold.
template <typename F>
auto naming_index_on_wrongtype(Client& client, const std::string& index, F&& f) {
    try {
        return f();
    } catch (const ReplyError& e) {
        if (e.kind() != ErrorKind::WrongType) throw;
        std::string type(client.command_for_key(index, {"TYPE", index}).str());
        throw ReplyError(index_wrongtype_message(index, type));
    }
}

std::string ms_arg(std::chrono::milliseconds d) { return std::to_string(d.count()); }

}  // namespace

Reply eval_unsplit(Client& client, const Script& script, const Args& keys, const Args& args) {
    if (keys.empty() || std::all_of(keys.begin(), keys.end(), [&](const std::string& k) {
            return hash_slot(k) == hash_slot(keys[0]);
        })) {
        return client.eval(script, keys, args);
    }
    return script.run(client.connection_for_key(keys[0]), keys, args);
}

bool session_keys_split(const Client& client, std::string_view session_key,
                        std::string_view index_key) {
    // A standalone server (or a Sentinel-managed master) has no slots: one script holds both
    // keys. On a cluster a script may only touch keys of one slot, and session:<id> and
    // user_sessions:<user> almost never share one.
    return client.options().cluster && hash_slot(session_key) != hash_slot(index_key);
}

std::string new_session_id() {
    // URL-safe base64 may start with '-', which every CLI (ours included) would read as a
    // flag. Redrawing those costs log2(64/63) of 256 bits: nothing.
    for (;;) {
        std::string id = random_base64url(32);
        if (id.front() != '-') return id;
    }
}

CreatedSession create_session(Client& client, const SessionLayout& layout, const NewSession& req) {
    check_identifier(req.user_id, "--user-id");
    require_positive(req.ttl, "--ttl");
    Args field_args;
    for (const auto& f : req.fields) {
        if (f.name.empty() || is_reserved_field(f.name)) {
            throw UsageError(fmt::format("--field: {} is not a field name the caller may set",
                                         quote_if_needed(f.name)));
        }
        field_args.push_back(f.name);
        field_args.push_back(f.value);
    }
    CreatedSession out;
    out.index_key = layout.index_key(req.user_id);
    for (int attempt = 0; attempt < 3; ++attempt) {
        out.id = new_session_id();
        out.key = layout.session_key(out.id);
        bool split = session_keys_split(client, out.key, out.index_key);
        if (split) require_set_or_missing(client, out.index_key);
        Args keys{out.key};
        if (!split) keys.push_back(out.index_key);
        Args args{ms_arg(req.ttl), out.id, req.user_id};
        args.insert(args.end(), field_args.begin(), field_args.end());
        out.created_at = eval_unsplit(client, scripts().create, keys, args).integer();
        if (out.created_at == 0) continue;  // the id is taken (odds 2^-256): draw another
        if (split) {
            // Session first, then the index: if the second step fails, the id was never
            // printed, so the session is unreachable; we still delete it rather than leave it
            // for its TTL. The reverse order could let a concurrent `list` prune the new id
            // before the session exists, leaving a live session that destroy-all misses.
            try {
                client.eval(scripts().index, {out.index_key}, {ms_arg(req.ttl), out.id});
            } catch (...) {
                try {
                    client.command_for_key(out.key, {"DEL", out.key});
                } catch (...) {
                }
                throw;
            }
        }
        return out;
    }
    throw ReplyError("could not draw an unused session id in 3 attempts");
}

std::optional<Session> read_session(Client& client, const SessionLayout& layout,
                                    std::string_view id) {
    check_identifier(id, "session id");
    // The keys the id may live at, each read as its layout (auto: decided by what is there).
    std::vector<std::pair<std::string, LayoutKind>> candidates;
    auto add = [&](std::string key, LayoutKind kind) {
        for (const auto& c : candidates) {
            if (c.first == key) return;
        }
        candidates.emplace_back(std::move(key), kind);
    };
    switch (layout.kind) {
        case LayoutKind::RedisOps:
            add(layout.session_key(id), LayoutKind::RedisOps);
            break;
        case LayoutKind::ConnectRedis:
            add(layout.connect_key(id), LayoutKind::ConnectRedis);
            break;
        case LayoutKind::Spring:
            add(layout.spring_hash_key(id), LayoutKind::Spring);
            break;
        case LayoutKind::Auto:
            add(layout.session_key(id), LayoutKind::Auto);
            add(layout.connect_key(id), LayoutKind::Auto);
            add(layout.spring_hash_key(id), LayoutKind::Auto);
            break;
    }
    std::optional<std::string> wrong;  // the first key that held something else
    for (const auto& [key, kind] : candidates) {
        SessionLayout as = layout;
        as.kind = kind;
        Reply r = client.eval(scripts().read, {key}, {});
        SessionLookup found = decode_session_reply(id, key, r.view(), as);
        if (found.state == SessionLookup::State::Missing) continue;
        if (found.state == SessionLookup::State::NotASession) {
            if (!wrong) wrong = not_a_session_message(key, found.redis_type);
            continue;
        }
        if (found.session.layout == LayoutKind::Spring) {
            spring_read_deadline(client, layout, found.session);
        }
        return std::move(found.session);
    }
    if (wrong) throw ReplyError(*wrong);
    return std::nullopt;
}

std::chrono::milliseconds default_touch_ttl(const Session& s) {
    if (s.max_age_ms && *s.max_age_ms > 0) return std::chrono::milliseconds(*s.max_age_ms);
    return kDefaultSessionTtl;
}

std::optional<std::chrono::milliseconds> touch_session(
    Client& client, const SessionLayout& layout, const Session& s,
    std::optional<std::chrono::milliseconds> requested) {
    if (requested) require_positive(*requested, "--ttl");
    if (s.layout == LayoutKind::ConnectRedis) return connect_touch(client, s, requested);
    if (s.layout == LayoutKind::Spring) {
        if (requested) {
            throw UsageError(
                "--ttl: a Spring session's lifetime is its maxInactiveInterval; touch without "
                "--ttl");
        }
        return spring_touch(client, layout, s);
    }
    std::chrono::milliseconds ttl = requested.value_or(default_touch_ttl(s));
    std::optional<std::string> index;
    if (s.user_id) index = layout.index_key(*s.user_id);
    bool split = index && session_keys_split(client, s.key, *index);
    Args keys{s.key};
    if (index && !split) keys.push_back(*index);
    if (eval_unsplit(client, scripts().touch, keys, {ms_arg(ttl)}).integer() == 0) {
        return std::nullopt;
    }
    if (split) client.eval(scripts().index, {*index}, {ms_arg(ttl), ""});
    return ttl;
}

bool destroy_session(Client& client, const SessionLayout& layout, std::string_view id) {
    std::optional<Session> s = read_session(client, layout, id);
    if (!s) return false;
    if (s->layout == LayoutKind::Spring) return spring_destroy(client, layout, *s);
    // connect-redis keeps no index: its destroy() is a DEL.
    if (!s->user_id || s->layout == LayoutKind::ConnectRedis) {
        return client.command_for_key(s->key, {"DEL", s->key}).integer() > 0;
    }
    std::string index = layout.index_key(*s->user_id);
    if (!session_keys_split(client, s->key, index)) {
        return eval_unsplit(client, scripts().destroy, {s->key, index}, {s->id}).integer() > 0;
    }
    // Two slots: the session goes first, so the credential stops working at once; if the SREM
    // then fails, the index keeps a dead id that the next `session list` prunes.
    long long n = client.command_for_key(s->key, {"DEL", s->key}).integer();
    naming_index_on_wrongtype(client, index, [&] {
        return client.command_for_key(index, {"SREM", index, s->id});
    });
    return n > 0;
}

}  // namespace redisops
