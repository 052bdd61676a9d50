#include "session/session_store.hpp"

#include <fmt/format.h>

#include "redis/errors.hpp"
#include "redis/slot.hpp"
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
        if (e.code() != "WRONGTYPE") throw;
        std::string type(client.command_for_key(index, {"TYPE", index}).str());
        throw ReplyError(index_wrongtype_message(index, type));
    }
}

/// Runs a script over the session key and its index as one atomic step. Only for standalone
/// and Sentinel (session_keys_split() false): there the two slots do not matter, and
/// Client::eval, which refuses mixed slots on every topology to catch cluster bugs early, is
/// bypassed on purpose. keys[0] routes it, as client.eval would.
Reply eval_unsplit(Client& client, const Script& script, const Args& keys, const Args& args) {
    if (keys.size() < 2 || hash_slot(keys[0]) == hash_slot(keys[1])) {
        return client.eval(script, keys, args);
    }
    return script.run(client.connection_for_key(keys[0]), keys, args);
}

std::string ms_arg(std::chrono::milliseconds d) { return std::to_string(d.count()); }

}  // namespace

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
    std::string key = layout.session_key(id);
    Reply r = client.eval(scripts().read, {key}, {});
    SessionLookup found = decode_session_reply(id, key, r.view());
    switch (found.state) {
        case SessionLookup::State::Missing:
            return std::nullopt;
        case SessionLookup::State::NotASession:
            throw ReplyError(not_a_session_message(key, found.redis_type));
        case SessionLookup::State::Live:
            break;
    }
    return std::move(found.session);
}

std::chrono::milliseconds default_touch_ttl(const Session& s) {
    if (s.max_age_ms && *s.max_age_ms > 0) return std::chrono::milliseconds(*s.max_age_ms);
    return kDefaultSessionTtl;
}

bool touch_session(Client& client, const SessionLayout& layout, const Session& s,
                   std::chrono::milliseconds ttl) {
    require_positive(ttl, "--ttl");
    std::optional<std::string> index;
    if (s.user_id) index = layout.index_key(*s.user_id);
    bool split = index && session_keys_split(client, s.key, *index);
    Args keys{s.key};
    if (index && !split) keys.push_back(*index);
    if (eval_unsplit(client, scripts().touch, keys, {ms_arg(ttl)}).integer() == 0) return false;
    if (split) client.eval(scripts().index, {*index}, {ms_arg(ttl), ""});
    return true;
}

bool destroy_session(Client& client, const SessionLayout& layout, std::string_view id) {
    std::optional<Session> s = read_session(client, layout, id);
    if (!s) return false;
    if (!s->user_id) {
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
