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
    CLI::Option* ttl_flag = nullptr;  // given: --ttl overrides the session's own max age
};

using SessionRun = int (*)(Context&, const SessionOptions&);

void add_layout_flags(CLI::App* sub, SessionLayout& layout) {
    sub->add_option("--prefix", layout.prefix, "Session key prefix")->capture_default_str();
    sub->add_option("--index-prefix", layout.index_prefix, "Per-user index key prefix")
        ->capture_default_str();
}

/// A leaf subcommand with the layout flags, whose action is `run` over its parsed options.
CLI::App* add_leaf(CLI::App* parent, Context& ctx, const char* name, const char* help,
                   const std::shared_ptr<SessionOptions>& o, SessionRun run) {
    CLI::App* sub = parent->add_subcommand(name, help);
    add_layout_flags(sub, o->layout);
    sub->callback([&ctx, o, run] { ctx.action = [&ctx, o, run] { return run(ctx, *o); }; });
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
            bool json_text = s.json_fields.count(name) > 0;
            rows.push_back({quote_if_needed(name), json_text ? value : quote_if_needed(value)});
        }
        out += "\n" + render_table(style, {"FIELD", "VALUE"}, rows);
    }
    return out;
}

std::string plural(size_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

/// --ttl when given, else the session's own max age, else 24h.
std::chrono::milliseconds touch_ttl(const SessionOptions& o, const Session& s) {
    return o.ttl_flag && o.ttl_flag->count() ? o.ttl : default_touch_ttl(s);
}

int not_found(Context& ctx, std::string_view id) {
    ctx.err(fmt::format("redis-ops: session {} not found\n", quote_if_needed(id)));
    return kExitNegative;
}

int run_create(Context& ctx, const SessionOptions& o) {
    NewSession req{o.user_id, o.ttl, {}};
    for (const auto& f : o.fields) req.fields.push_back(parse_field(f));
    CreatedSession c = create_session(ctx.client(), o.layout, req);
    if (!ctx.global.json) {
        ctx.out(c.id + "\n");
        return kExitOk;
    }
    ctx.out(dump_json({{"id", c.id},
                       {"key", to_json_text(c.key)},
                       {"index", to_json_text(c.index_key)},
                       {"user_id", to_json_text(req.user_id)},
                       {"created_at", c.created_at},
                       {"ttl_ms", req.ttl.count()}}) +
            "\n");
    return kExitOk;
}

int run_get(Context& ctx, const SessionOptions& o) {
    if (o.ttl_flag->count() && !o.touch) throw UsageError("--ttl goes with --touch");
    std::optional<Session> s = read_session(ctx.client(), o.layout, o.id);
    if (!s) return not_found(ctx, o.id);
    if (o.touch) {
        auto d = touch_ttl(o, *s);
        if (!touch_session(ctx.client(), o.layout, *s, d)) return not_found(ctx, o.id);
        s->ttl_ms = d.count();
    }
    ctx.out(ctx.global.json ? dump_json(session_json(*s)) + "\n" : session_text(ctx.style(), *s));
    return kExitOk;
}

int run_touch(Context& ctx, const SessionOptions& o) {
    std::optional<Session> s = read_session(ctx.client(), o.layout, o.id);
    if (!s) return not_found(ctx, o.id);
    auto d = touch_ttl(o, *s);
    if (!touch_session(ctx.client(), o.layout, *s, d)) return not_found(ctx, o.id);
    ctx.out(ctx.global.json
                ? dump_json({{"id", to_json_text(s->id)}, {"ttl_ms", d.count()}}) + "\n"
                : fmt::format("{} ttl {}\n", quote_if_needed(s->id), format_duration(d)));
    return kExitOk;
}

int run_list(Context& ctx, const SessionOptions& o) {
    SessionListing l = list_sessions(ctx.client(), o.layout, o.user_id);
    if (ctx.global.json) {
        nlohmann::json sessions = nlohmann::json::array();
        for (const auto& s : l.sessions) sessions.push_back(session_json(s));
        ctx.out(dump_json({{"user_id", to_json_text(o.user_id)},
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
    out += fmt::format("{} of user {}; pruned {}\n",
                       plural(l.sessions.size(), "live session", "live sessions"),
                       quote_if_needed(o.user_id),
                       plural(l.pruned, "expired index entry", "expired index entries"));
    ctx.out(out);
    if (l.skipped) {
        ctx.warn(plural(l.skipped, "index entry", "index entries") +
                 " skipped: not a session, or another user's");
    }
    return kExitOk;
}

int run_destroy(Context& ctx, const SessionOptions& o) {
    if (!destroy_session(ctx.client(), o.layout, o.id)) return not_found(ctx, o.id);
    ctx.out(ctx.global.json ? dump_json({{"id", to_json_text(o.id)}, {"destroyed", true}}) + "\n"
                            : fmt::format("destroyed session {}\n", quote_if_needed(o.id)));
    return kExitOk;
}

int run_destroy_all(Context& ctx, const SessionOptions& o) {
    DestroyAllResult r = destroy_all_sessions(ctx.client(), o.layout, o.user_id);
    ctx.out(ctx.global.json ? dump_json({{"user_id", to_json_text(o.user_id)},
                                         {"index", to_json_text(r.index_key)},
                                         {"destroyed", r.destroyed},
                                         {"index_entries", r.index_entries}}) +
                                  "\n"
                            : fmt::format("destroyed {} of user {}\n",
                                          plural(r.destroyed, "session", "sessions"),
                                          quote_if_needed(o.user_id)));
    return kExitOk;
}

}  // namespace

void setup_session(CLI::App& app, Context& ctx) {
    CLI::App* parent = app.add_subcommand(
        "session", "Inspect and manage user sessions (session:<id> hashes, user_sessions:<user>)");
    parent->require_subcommand(1);
    const char* ttl_help = "New TTL (default: the session's max age, else 24h)";

    auto o = std::make_shared<SessionOptions>();
    CLI::App* sub =
        add_leaf(parent, ctx, "create", "Create a session and print its id", o, run_create);
    add_user_id(sub, *o);
    add_duration(sub, "--ttl", o->ttl, "Session lifetime (default 24h)");
    sub->add_option("--field", o->fields, "A field of the session, NAME=VALUE (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);

    o = std::make_shared<SessionOptions>();
    sub = add_leaf(parent, ctx, "get", "Show a session's fields and remaining TTL", o, run_get);
    add_id(sub, *o);
    sub->add_flag("--touch", o->touch, "Also refresh its TTL (sliding expiration)");
    o->ttl_flag = add_duration(sub, "--ttl", o->ttl, std::string(ttl_help) + ", with --touch");

    o = std::make_shared<SessionOptions>();
    sub = add_leaf(parent, ctx, "touch", "Refresh a session's TTL (sliding expiration)", o,
                   run_touch);
    add_id(sub, *o);
    o->ttl_flag = add_duration(sub, "--ttl", o->ttl, ttl_help);

    o = std::make_shared<SessionOptions>();
    sub =
        add_leaf(parent, ctx, "list", "List a user's live sessions, pruning dead ids", o, run_list);
    add_user_id(sub, *o);

    o = std::make_shared<SessionOptions>();
    sub = add_leaf(parent, ctx, "destroy", "Delete a session and its index entry", o, run_destroy);
    add_id(sub, *o);

    o = std::make_shared<SessionOptions>();
    sub = add_leaf(parent, ctx, "destroy-all",
                   "Log a user out everywhere: delete all their sessions", o, run_destroy_all);
    add_user_id(sub, *o);
}

}  // namespace redisops
