// `redis-ops session`: inspect and manage user sessions (src/session/ does the Redis work).
#include <fmt/format.h>

#include <cctype>
#include <ctime>
#include <memory>

#include "choices.hpp"
#include "context.hpp"
#include "print_acl.hpp"
#include "progress.hpp"
#include "redis/errors.hpp"
#include "session/session_index.hpp"
#include "session/session_store.hpp"
#include "session/user_sessions.hpp"
#include "session_stats_output.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

struct SessionOptions {
    SessionLayout layout;
    std::string layout_text;
    std::string prefix;
    CLI::Option* prefix_flag = nullptr;
    std::string rate = "0";
    size_t top = 10;
    std::string user_id;
    std::string id;
    std::chrono::milliseconds ttl = kDefaultSessionTtl;
    std::vector<std::string> fields;
    bool touch = false;
    CLI::Option* ttl_flag = nullptr;  // given: --ttl overrides the session's own max age
};

using SessionRun = int (*)(Context&, const SessionOptions&);

/// `with` starts each help text ("With --print-acl: " on the parent).
void add_layout_flags(CLI::App* sub, SessionOptions& o, const char* default_layout,
                      const std::string& with = "") {
    auto help = [&with](std::string text) {
        if (!with.empty()) text[0] = static_cast<char>(std::tolower(text[0]));
        return with + text;
    };
    o.layout_text = default_layout;
    sub->add_option("--layout", o.layout_text,
                    help("Who wrote the sessions: " + described(kLayouts)))
        ->capture_default_str()
        ->check(one_of(kLayouts));
    o.prefix_flag = sub->add_option(
        "--prefix", o.prefix,
        help("Session key prefix (default: session: for redis-ops, sess: for connect-redis)"));
    sub->add_option("--index-prefix", o.layout.index_prefix,
                    help("Per-user index key prefix (redis-ops)"))
        ->capture_default_str();
    sub->add_option("--namespace", o.layout.spring_namespace,
                    help("The redis namespace of Spring Session"))
        ->capture_default_str();
    if (!with.empty()) return;  // the user's field is no key: nothing to print an ACL for
    sub->add_option("--user-field", o.layout.user_field,
                    "Dot path of the user inside a connect-redis session")
        ->capture_default_str();
}

/// The layout the flags describe, once parsed.
SessionLayout parsed_layout(const SessionOptions& o) {
    SessionLayout layout = o.layout;
    layout.kind = parse_layout(o.layout_text);
    if (o.prefix_flag->count()) layout.prefix = o.prefix;
    return layout;
}

/// A leaf subcommand with the layout flags, whose action is `run` over its parsed options.
CLI::App* add_leaf(CLI::App* parent, Context& ctx, const char* name, const char* help,
                   const std::shared_ptr<SessionOptions>& o, SessionRun run,
                   const char* default_layout = "auto") {
    CLI::App* sub = parent->add_subcommand(name, help);
    add_layout_flags(sub, *o, default_layout);
    sub->callback([&ctx, o, run] {
        ctx.action = [&ctx, o, run] {
            o->layout = parsed_layout(*o);
            return run(ctx, *o);
        };
    });
    return sub;
}

void add_rate(CLI::App* sub, SessionOptions& o) {
    sub->add_option("--rate", o.rate,
                    "Scans read at most KEYS/S keys a second per node (0: no limit)")
        ->capture_default_str();
}

/// The scan settings from --rate, with a progress line on a terminal's stderr.
SessionScan session_scan(Context& ctx, const SessionOptions& o, const char* label) {
    SessionScan scan;
    scan.rate = static_cast<double>(parse_count(o.rate, "--rate", 0, 1000000000));
    scan.progress = walk_progress(ctx, label);
    return scan;
}

/// "note: scanned …": connect-redis keeps no index, so the answer cost a walk of its prefix.
void note_scan(Context& ctx, uint64_t keys, const std::string& match, size_t nodes) {
    ctx.err(fmt::format(
        "redis-ops: note: connect-redis keeps no index; scanned {} keys matching "
        "{} on {}\n",
        keys, quote_if_needed(match), nodes == 1 ? "1 node" : fmt::format("{} nodes", nodes)));
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
nlohmann::ordered_json opt_json(const std::optional<T>& v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

/// Nested values stay nested (objects and arrays as JSON), in the order they were stored.
nlohmann::ordered_json session_json(const Session& s) {
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
    for (const auto& [name, value] : s.fields) {
        auto nested = s.json_values.find(name);
        fields[to_json_text(name)] = nested != s.json_values.end()
                                         ? nested->second
                                         : nlohmann::ordered_json(to_json_text(value));
    }
    nlohmann::ordered_json doc = {
        {"id", to_json_text(s.id)},
        {"key", to_json_text(s.key)},
        {"layout", std::string(layout_name(s.layout))},
        {"format", s.format == SessionFormat::Hash ? "hash" : "json"},
        {"user_id", s.user_id ? nlohmann::ordered_json(to_json_text(*s.user_id)) : nullptr},
        {"created_at", opt_json(s.created_at)},
        {"ttl_ms", opt_json(s.ttl_ms)},
        {"max_age_ms", opt_json(s.max_age_ms)},
    };
    if (s.spring) {
        doc["creation_time_ms"] = s.spring->creation_ms;
        doc["last_accessed_time_ms"] = s.spring->last_accessed_ms;
        doc["max_inactive_interval_s"] = s.spring->max_inactive_s;
    }
    doc["fields"] = std::move(fields);
    return doc;
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
    out += line("layout", std::string(layout_name(s.layout)));
    out += line("format", s.format == SessionFormat::Hash ? "hash" : "json");
    if (s.spring) {
        out += line("last_access", unix_time_text(s.spring->last_accessed_ms / 1000));
        out += line("max_idle", format_duration(std::chrono::seconds(s.spring->max_inactive_s)));
    }
    if (!s.fields.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& [name, value] : s.fields) {
            bool json_text = s.json_values.count(name) > 0;
            rows.push_back({quote_if_needed(name), json_text ? value : quote_if_needed(value)});
        }
        out += "\n" + render_table(style, {"FIELD", "VALUE"}, rows);
    }
    return out;
}

std::string plural(size_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

/// --ttl when given; else the layout's own rule (the session's max age, else 24h).
std::optional<std::chrono::milliseconds> requested_ttl(const SessionOptions& o) {
    if (o.ttl_flag && o.ttl_flag->count()) return o.ttl;
    return std::nullopt;
}

int not_found(Context& ctx, std::string_view id) {
    ctx.err(fmt::format("redis-ops: session {} not found\n", quote_if_needed(id)));
    return kExitNegative;
}

int run_create(Context& ctx, const SessionOptions& o) {
    if (o.layout.kind != LayoutKind::RedisOps) {
        throw UsageError("--layout: create writes the redis-ops layout only");
    }
    NewSession req{o.user_id, o.ttl, {}};
    for (const auto& f : o.fields) req.fields.push_back(parse_field(f));
    CreatedSession c = create_session(ctx.client(), o.layout, req);
    try {
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
    } catch (const Error&) {
        // The id never reached the caller: a session nobody can use must not stay behind.
        try {
            destroy_session(ctx.client(), o.layout, c.id);
        } catch (const Error&) {
        }
        throw;
    }
    return kExitOk;
}

int run_get(Context& ctx, const SessionOptions& o) {
    if (o.ttl_flag->count() && !o.touch) throw UsageError("--ttl goes with --touch");
    std::optional<Session> s = read_session(ctx.client(), o.layout, o.id);
    if (!s) return not_found(ctx, o.id);
    if (o.touch) {
        auto d = touch_session(ctx.client(), o.layout, *s, requested_ttl(o));
        if (!d) return not_found(ctx, o.id);
        s = read_session(ctx.client(), o.layout, o.id);  // what the touch left, as stored
        if (!s) return not_found(ctx, o.id);
    }
    ctx.out(ctx.global.json ? dump_ordered_json(session_json(*s)) + "\n"
                            : session_text(ctx.style(), *s));
    return kExitOk;
}

int run_touch(Context& ctx, const SessionOptions& o) {
    std::optional<Session> s = read_session(ctx.client(), o.layout, o.id);
    if (!s) return not_found(ctx, o.id);
    auto d = touch_session(ctx.client(), o.layout, *s, requested_ttl(o));
    if (!d) return not_found(ctx, o.id);
    ctx.out(ctx.global.json
                ? dump_json({{"id", to_json_text(s->id)},
                             {"layout", std::string(layout_name(s->layout))},
                             {"ttl_ms", d->count()}}) +
                      "\n"
                : fmt::format("{} ttl {}\n", quote_if_needed(s->id), format_duration(*d)));
    return kExitOk;
}

nlohmann::ordered_json scan_json(uint64_t keys, const std::string& match, size_t nodes) {
    if (match.empty()) return nullptr;
    return {{"keys", keys}, {"match", to_json_text(match)}, {"nodes", nodes}};
}

int run_list(Context& ctx, const SessionOptions& o) {
    SessionScan scan = session_scan(ctx, o, "session list");
    std::vector<SessionListing> ls = list_user_sessions(ctx.client(), o.layout, o.user_id, scan);
    end_walk_progress(ctx, scan.progress);
    size_t count = 0, pruned = 0, skipped = 0;
    for (const auto& l : ls) {
        count += l.sessions.size();
        pruned += l.pruned;
        skipped += l.skipped;
        if (!l.scanned_match.empty()) note_scan(ctx, l.scanned, l.scanned_match, l.scanned_nodes);
    }
    if (ctx.global.json) {
        nlohmann::ordered_json sessions = nlohmann::ordered_json::array();
        nlohmann::ordered_json layouts = nlohmann::ordered_json::array();
        for (const auto& l : ls) {
            for (const auto& s : l.sessions) sessions.push_back(session_json(s));
            layouts.push_back(
                {{"layout", std::string(layout_name(l.layout))},
                 {"index", l.index_key.empty() ? nlohmann::ordered_json(nullptr)
                                               : nlohmann::ordered_json(to_json_text(l.index_key))},
                 {"count", l.sessions.size()},
                 {"scanned", scan_json(l.scanned, l.scanned_match, l.scanned_nodes)}});
        }
        const SessionListing& first = ls.front();
        ctx.out(
            dump_ordered_json(
                {{"user_id", to_json_text(o.user_id)},
                 {"layout", std::string(layout_name(o.layout.kind))},
                 {"index", first.index_key.empty()
                               ? nlohmann::ordered_json(nullptr)
                               : nlohmann::ordered_json(to_json_text(first.index_key))},
                 {"count", count},
                 {"pruned", pruned},
                 {"skipped", skipped},
                 {"scanned", scan_json(first.scanned, first.scanned_match, first.scanned_nodes)},
                 {"layouts", std::move(layouts)},
                 {"sessions", std::move(sessions)}}) +
            "\n");
        return kExitOk;
    }
    std::string out;
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : ls) {
        for (const auto& s : l.sessions) {
            rows.push_back({quote_if_needed(s.id), std::string(layout_name(s.layout)),
                            created_text(s), ttl_text(s)});
        }
    }
    if (!rows.empty()) out = render_table(ctx.style(), {"ID", "LAYOUT", "CREATED", "TTL"}, rows);
    out += fmt::format("{} of user {}; pruned {}\n", plural(count, "live session", "live sessions"),
                       quote_if_needed(o.user_id),
                       plural(pruned, "expired index entry", "expired index entries"));
    ctx.out(out);
    if (skipped) {
        ctx.warn(plural(skipped, "index entry", "index entries") +
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
    SessionScan scan = session_scan(ctx, o, "session destroy-all");
    std::vector<DestroyAllResult> rs =
        destroy_user_sessions(ctx.client(), o.layout, o.user_id, scan);
    end_walk_progress(ctx, scan.progress);
    size_t destroyed = 0, entries = 0;
    nlohmann::ordered_json layouts = nlohmann::ordered_json::array();
    for (const auto& r : rs) {
        destroyed += r.destroyed;
        entries += r.index_entries;
        if (!r.scanned_match.empty()) note_scan(ctx, r.scanned, r.scanned_match, r.scanned_nodes);
        layouts.push_back(
            {{"layout", std::string(layout_name(r.layout))},
             {"index", r.index_key.empty() ? nlohmann::ordered_json(nullptr)
                                           : nlohmann::ordered_json(to_json_text(r.index_key))},
             {"destroyed", r.destroyed},
             {"scanned", scan_json(r.scanned, r.scanned_match, r.scanned_nodes)}});
    }
    const DestroyAllResult& first = rs.front();
    ctx.out(ctx.global.json
                ? dump_ordered_json(
                      {{"user_id", to_json_text(o.user_id)},
                       {"layout", std::string(layout_name(o.layout.kind))},
                       {"index", first.index_key.empty()
                                     ? nlohmann::ordered_json(nullptr)
                                     : nlohmann::ordered_json(to_json_text(first.index_key))},
                       {"destroyed", destroyed},
                       {"index_entries", entries},
                       {"layouts", std::move(layouts)}}) +
                      "\n"
                : fmt::format("destroyed {} of user {}\n", plural(destroyed, "session", "sessions"),
                              quote_if_needed(o.user_id)));
    return kExitOk;
}

int run_stats(Context& ctx, const SessionOptions& o) {
    SessionScan scan = session_scan(ctx, o, "session stats");
    SessionStats st = session_stats(ctx.client(), o.layout, scan);
    end_walk_progress(ctx, scan.progress);
    return print_session_stats(ctx, st, o.layout.kind, o.top);
}

}  // namespace

void setup_session(CLI::App& app, Context& ctx) {
    CLI::App* parent = app.add_subcommand(
        "session", "Inspect and manage user sessions (session:<id> hashes, user_sessions:<user>)");
    parent->require_subcommand(1);
    auto acl = std::make_shared<SessionOptions>();
    add_layout_flags(parent, *acl, "auto", "With --print-acl: ");
    add_print_acl(parent, ctx, "redis-ops-session",
                  [acl] { return session_acl(parsed_layout(*acl)); });
    const char* ttl_help = "New TTL (default: the session's max age, else 24h)";

    auto o = std::make_shared<SessionOptions>();
    CLI::App* sub = add_leaf(parent, ctx, "create", "Create a session and print its id", o,
                             run_create, "redis-ops");
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
    sub = add_leaf(parent, ctx, "list", "List a user's live sessions, pruning dead ids", o,
                   run_list, "redis-ops");
    add_user_id(sub, *o);
    add_rate(sub, *o);

    o = std::make_shared<SessionOptions>();
    sub = add_leaf(parent, ctx, "destroy", "Delete a session and its index entry", o, run_destroy);
    add_id(sub, *o);

    o = std::make_shared<SessionOptions>();
    sub =
        add_leaf(parent, ctx, "destroy-all", "Log a user out everywhere: delete all their sessions",
                 o, run_destroy_all, "redis-ops");
    add_user_id(sub, *o);
    add_rate(sub, *o);

    o = std::make_shared<SessionOptions>();
    sub = add_leaf(parent, ctx, "stats",
                   "Count sessions, those without TTL, their TTLs and the top users", o, run_stats);
    add_rate(sub, *o);
    sub->add_option("--top", o->top, "How many top users to show")->capture_default_str();
}

}  // namespace redisops
