// `redis-ops session`: inspect and manage user sessions (src/session/ does the Redis work).
#include <fmt/format.h>

#include <ctime>
#include <memory>

#include "context.hpp"
#include "redis/errors.hpp"
#include "session/session_index.hpp"
#include "session/session_store.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

struct SessionOptions {
    SessionLayout layout;
    std::string user_id;
    std::string id;
    std::chrono::milliseconds ttl = kDefaultSessionTtl;
    std::vector<std::string> fields;
    bool touch = false;
};

void add_layout_flags(CLI::App* sub, SessionLayout& layout) {
    sub->add_option("--prefix", layout.prefix, "Session key prefix")->capture_default_str();
    sub->add_option("--index-prefix", layout.index_prefix, "Per-user index key prefix")
        ->capture_default_str();
}

CLI::App* add_leaf(CLI::App* parent, const char* name, const char* help, SessionOptions& o) {
    CLI::App* sub = parent->add_subcommand(name, help);
    add_layout_flags(sub, o.layout);
    return sub;
}

void add_id(CLI::App* sub, SessionOptions& o) {
    sub->add_option("id", o.id, "Session id (use -- before an id that starts with '-')")
        ->required();
}

void add_user_id(CLI::App* sub, SessionOptions& o) {
    sub->add_option("--user-id", o.user_id, "The session owner's id (--user is the ACL user)")
        ->required();
}

std::string unix_time_text(long long t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    char buf[32];
    if (!gmtime_r(&tt, &tm) || !std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm)) {
        return std::to_string(t);
    }
    return buf;
}

std::string created_text(const Session& s) {
    return s.created_at ? unix_time_text(*s.created_at) : "-";
}

std::string ttl_text(const Session& s) {
    return s.ttl_ms ? format_duration(std::chrono::milliseconds(*s.ttl_ms)) : "no expiry";
}

template <typename T>
nlohmann::json opt_json(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json session_json(const Session& s) {
    nlohmann::json fields = nlohmann::json::object();
    for (const auto& [name, value] : s.fields) fields[to_json_text(name)] = to_json_text(value);
    return {
        {"id", to_json_text(s.id)},
        {"key", to_json_text(s.key)},
        {"format", s.format == SessionFormat::Hash ? "hash" : "json"},
        {"user_id", s.user_id ? nlohmann::json(to_json_text(*s.user_id)) : nullptr},
        {"created_at", opt_json(s.created_at)},
        {"ttl_ms", opt_json(s.ttl_ms)},
        {"max_age_ms", opt_json(s.max_age_ms)},
        {"fields", std::move(fields)},
    };
}

std::string session_text(const OutputStyle& style, const Session& s) {
    auto line = [](const char* name, const std::string& value) {
        return fmt::format("{:<11} {}\n", name, value);
    };
    std::string out = line("id", quote_if_needed(s.id));
    out += line("user_id", s.user_id ? quote_if_needed(*s.user_id) : "-");
    out += line("created_at",
                s.created_at ? fmt::format("{} ({})", created_text(s), *s.created_at) : "-");
    out += line("ttl", ttl_text(s));
    out += line("format", s.format == SessionFormat::Hash ? "hash" : "json");
    if (!s.fields.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& [name, value] : s.fields) {
            rows.push_back({quote_if_needed(name), quote_if_needed(value)});
        }
        out += "\n" + render_table(style, {"FIELD", "VALUE"}, rows);
    }
    return out;
}

int not_found(Context& ctx, std::string_view id) {
    ctx.err(fmt::format("redis-ops: session {} not found\n", quote_if_needed(id)));
    return kExitNegative;
}

void setup_create(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<SessionOptions>();
    CLI::App* sub = add_leaf(parent, "create", "Create a session and print its id", *o);
    add_user_id(sub, *o);
    add_duration(sub, "--ttl", o->ttl, "Session lifetime (default 24h)");
    sub->add_option("--field", o->fields, "A field of the session, NAME=VALUE (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    sub->callback([&ctx, o] {
        ctx.action = [&ctx, o]() -> int {
            NewSession req{o->user_id, o->ttl, {}};
            for (const auto& f : o->fields) req.fields.push_back(parse_field(f));
            CreatedSession c = create_session(ctx.client(), o->layout, req);
            if (ctx.global.json) {
                ctx.out(dump_json({{"id", c.id},
                                   {"key", to_json_text(c.key)},
                                   {"index", to_json_text(c.index_key)},
                                   {"user_id", to_json_text(req.user_id)},
                                   {"created_at", c.created_at},
                                   {"ttl_ms", req.ttl.count()}}) +
                        "\n");
            } else {
                ctx.out(c.id + "\n");
            }
            return kExitOk;
        };
    });
}

void setup_get(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<SessionOptions>();
    CLI::App* sub = add_leaf(parent, "get", "Show a session's fields and remaining TTL", *o);
    add_id(sub, *o);
    sub->add_flag("--touch", o->touch, "Also refresh its TTL (sliding expiration)");
    CLI::Option* ttl = add_duration(sub, "--ttl", o->ttl,
                                    "TTL for --touch (default: the session's max age, else 24h)");
    sub->callback([&ctx, o, ttl] {
        ctx.action = [&ctx, o, ttl]() -> int {
            if (ttl->count() && !o->touch) throw UsageError("--ttl goes with --touch");
            std::optional<Session> s = read_session(ctx.client(), o->layout, o->id);
            if (!s) return not_found(ctx, o->id);
            if (o->touch) {
                auto d = ttl->count() ? o->ttl : default_touch_ttl(*s);
                if (!touch_session(ctx.client(), o->layout, *s, d)) return not_found(ctx, o->id);
                s->ttl_ms = d.count();
            }
            if (ctx.global.json) {
                ctx.out(dump_json(session_json(*s)) + "\n");
            } else {
                ctx.out(session_text(ctx.style(), *s));
            }
            return kExitOk;
        };
    });
}

void setup_touch(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<SessionOptions>();
    CLI::App* sub = add_leaf(parent, "touch", "Refresh a session's TTL (sliding expiration)", *o);
    add_id(sub, *o);
    CLI::Option* ttl =
        add_duration(sub, "--ttl", o->ttl, "New TTL (default: the session's max age, else 24h)");
    sub->callback([&ctx, o, ttl] {
        ctx.action = [&ctx, o, ttl]() -> int {
            std::optional<Session> s = read_session(ctx.client(), o->layout, o->id);
            if (!s) return not_found(ctx, o->id);
            auto d = ttl->count() ? o->ttl : default_touch_ttl(*s);
            if (!touch_session(ctx.client(), o->layout, *s, d)) return not_found(ctx, o->id);
            if (ctx.global.json) {
                ctx.out(dump_json({{"id", to_json_text(s->id)}, {"ttl_ms", d.count()}}) + "\n");
            } else {
                ctx.out(fmt::format("{} ttl {}\n", quote_if_needed(s->id), format_duration(d)));
            }
            return kExitOk;
        };
    });
}

void setup_list(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<SessionOptions>();
    CLI::App* sub = add_leaf(parent, "list", "List a user's live sessions, pruning dead ids", *o);
    add_user_id(sub, *o);
    sub->callback([&ctx, o] {
        ctx.action = [&ctx, o]() -> int {
            SessionListing l = list_sessions(ctx.client(), o->layout, o->user_id);
            if (ctx.global.json) {
                nlohmann::json sessions = nlohmann::json::array();
                for (const auto& s : l.sessions) sessions.push_back(session_json(s));
                ctx.out(dump_json({{"user_id", to_json_text(o->user_id)},
                                   {"index", to_json_text(l.index_key)},
                                   {"count", l.sessions.size()},
                                   {"pruned", l.pruned},
                                   {"skipped", l.skipped},
                                   {"sessions", std::move(sessions)}}) +
                        "\n");
                return kExitOk;
            }
            std::string out;
            if (!l.sessions.empty()) {
                std::vector<std::vector<std::string>> rows;
                for (const auto& s : l.sessions) {
                    rows.push_back({quote_if_needed(s.id), created_text(s), ttl_text(s)});
                }
                out = render_table(ctx.style(), {"ID", "CREATED", "TTL"}, rows);
            }
            out += fmt::format("{} live session{} of user {}; pruned {} expired index entr{}\n",
                               l.sessions.size(), l.sessions.size() == 1 ? "" : "s",
                               quote_if_needed(o->user_id), l.pruned, l.pruned == 1 ? "y" : "ies");
            ctx.out(out);
            if (l.skipped) {
                ctx.warn(fmt::format("{} index entr{} skipped: not a session, or another user's",
                                     l.skipped, l.skipped == 1 ? "y" : "ies"));
            }
            return kExitOk;
        };
    });
}

void setup_destroy(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<SessionOptions>();
    CLI::App* sub = add_leaf(parent, "destroy", "Delete a session and its index entry", *o);
    add_id(sub, *o);
    sub->callback([&ctx, o] {
        ctx.action = [&ctx, o]() -> int {
            if (!destroy_session(ctx.client(), o->layout, o->id)) return not_found(ctx, o->id);
            if (ctx.global.json) {
                ctx.out(dump_json({{"id", to_json_text(o->id)}, {"destroyed", true}}) + "\n");
            } else {
                ctx.out(fmt::format("destroyed session {}\n", quote_if_needed(o->id)));
            }
            return kExitOk;
        };
    });
}

void setup_destroy_all(CLI::App* parent, Context& ctx) {
    auto o = std::make_shared<SessionOptions>();
    CLI::App* sub =
        add_leaf(parent, "destroy-all", "Log a user out everywhere: delete all their sessions", *o);
    add_user_id(sub, *o);
    sub->callback([&ctx, o] {
        ctx.action = [&ctx, o]() -> int {
            DestroyAllResult r = destroy_all_sessions(ctx.client(), o->layout, o->user_id);
            if (ctx.global.json) {
                ctx.out(dump_json({{"user_id", to_json_text(o->user_id)},
                                   {"index", to_json_text(r.index_key)},
                                   {"destroyed", r.destroyed},
                                   {"index_entries", r.index_entries}}) +
                        "\n");
            } else {
                ctx.out(fmt::format("destroyed {} session{} of user {}\n", r.destroyed,
                                    r.destroyed == 1 ? "" : "s", quote_if_needed(o->user_id)));
            }
            return kExitOk;
        };
    });
}

}  // namespace

void setup_session(CLI::App& app, Context& ctx) {
    CLI::App* sub = app.add_subcommand(
        "session", "Inspect and manage user sessions (session:<id> hashes, user_sessions:<user>)");
    sub->require_subcommand(1);
    setup_create(sub, ctx);
    setup_get(sub, ctx);
    setup_touch(sub, ctx);
    setup_list(sub, ctx);
    setup_destroy(sub, ctx);
    setup_destroy_all(sub, ctx);
}

}  // namespace redisops
