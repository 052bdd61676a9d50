// redis-ops: the subcommand list, global flags, and the one place errors become exit codes.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "context.hpp"
#include "redis/errors.hpp"
#include "surface.hpp"
#include "util/text.hpp"

using namespace redisops;

namespace {

struct Subcommand {
    const char* name;
    void (*setup)(CLI::App&, Context&);
};

// The explicit list: help, man pages and completions are checked against it.
constexpr Subcommand kSubcommands[] = {
    {"cache", setup_cache},
    {"invalidate-tag", setup_invalidate_tag},
    {"session", setup_session},
    {"lock", setup_lock},
    {"ratelimit", setup_ratelimit},
    {"stream", setup_stream},
    {"pubsub", setup_pubsub},
    {"scan-audit", setup_scan_audit},
    {"expire", setup_expire},
    {"completions", setup_completions},  // hidden
};

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

/// "did you mean" for a mistyped subcommand of `app`.
std::string suggestion(const CLI::App& app, std::string_view typed) {
    std::string best;
    size_t best_d = 3;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        size_t d = edit_distance(typed, sub->get_name());
        if (d < best_d || (sub->get_name().starts_with(typed) && typed.size() >= 3)) {
            best_d = std::min(d, best_d);
            best = sub->get_name();
        }
    }
    return best;
}

int fail(int code, std::string_view message) {
    std::fprintf(stderr, "redis-ops: %.*s\n", static_cast<int>(message.size()), message.data());
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    // A closed pipe (redis-ops … | head) must end quietly, not kill us mid-write of a lock.
    ::signal(SIGPIPE, SIG_IGN);

    CLI::App app{
        "redis-ops: operate Redis from the shell: caches, sessions, locks, rate limits, "
        "streams and keyspace audits.",
        "redis-ops"};
    app.set_help_flag("--help", "Show help and exit");
    app.set_version_flag("--version", std::string("redis-ops ") + REDIS_OPS_VERSION);
    app.fallthrough();  // global flags may come after the subcommand
    app.require_subcommand(1);
    app.footer(
        "Exit codes: 0 ok, 1 negative answer, 2 usage, 3 unreachable, 4 server error, "
        "5 lock lost, 74 output not written.\nSee redis-ops(1) and redis-ops SUBCOMMAND --help.");

    Context ctx(app);
    add_global_options(app, ctx.global);
    for (const auto& sub : kSubcommands) sub.setup(app, ctx);
    add_help_layout(app);

    try {
        try {
            app.parse(argc, argv);
        } catch (const CLI::ParseError& e) {
            if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
            std::string msg = e.what();
            if (dynamic_cast<const CLI::ExtrasError*>(&e) ||
                dynamic_cast<const CLI::RequiredError*>(&e)) {
                // Walk the words down the tree (`lock aquire` -> under lock), skipping flag
                // values (`-h cache` is a host), and suggest the closest child where a word
                // names no subcommand.
                const CLI::App* at = &app;
                for (int i = 1; i < argc; ++i) {
                    std::string_view word = argv[i];
                    if (word == "--") break;
                    if (word.starts_with("-")) {
                        const CLI::Option* opt = nullptr;
                        for (const CLI::App* a = at; a && !opt; a = a->get_parent()) {
                            opt = a->get_option_no_throw(std::string(word));
                        }
                        if (opt && opt->get_items_expected_max() > 0) ++i;  // its value
                        continue;
                    }
                    const CLI::App* child = nullptr;
                    auto subs = at->get_subcommands([](const CLI::App*) { return true; });
                    for (const CLI::App* sub : subs) {
                        if (sub->check_name(std::string(word))) child = sub;
                    }
                    if (child) {
                        at = child;
                        continue;
                    }
                    if (!subs.empty()) {
                        // CLI11 only says "A subcommand is required"; name the word.
                        msg = "unknown subcommand " + clip_for_message(word) +
                              (at == &app ? std::string() : " for '" + at->get_name() + "'");
                    }
                    if (auto s = suggestion(*at, word); !s.empty() && s != word) {
                        msg += "\nDid you mean '" + s + "'?";
                    }
                    break;
                }
            }
            return fail(kExitUsage, msg + "\nRun with --help for usage.");
        }
        if (app.count("--pass")) {
            std::fputs(
                "Warning: Using a password with '-a' or '-u' option on the command line "
                "interface may not be safe.\n",
                stderr);
        }
        if (!ctx.action) return fail(kExitUsage, "missing subcommand; run with --help for usage");
        int status = ctx.action();
        ctx.sink().close();  // the last write and the close are checked too
        return status;
    } catch (const BrokenPipe&) {
        return kExitBrokenPipe;  // the reader went away (… | head): quiet, as SIGPIPE would be
    } catch (const OutputError& e) {
        return fail(kExitOutput, e.what());
    } catch (const UsageError& e) {
        return fail(kExitUsage, e.what());
    } catch (const ConnectionError& e) {
        return fail(kExitUnreachable, e.what());
    } catch (const ReplyError& e) {
        // Name the server: "READONLY …" alone does not say which node is the replica.
        std::string where = ctx.server_label();
        return fail(kExitServerError,
                    where.empty() ? e.what() : std::string(e.what()) + " [" + where + "]");
    } catch (const std::exception& e) {
        return fail(kExitInternal, std::string("internal error: ") + e.what());
    }
}
