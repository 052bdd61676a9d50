// redis-ops: the subcommand list, global flags, and the one place errors become exit codes.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "context.hpp"
#include "redis/errors.hpp"
#include "surface.hpp"
#include "util/suggest.hpp"

using namespace redisops;

namespace {

struct Subcommand {
    const char* name;
    void (*setup)(CLI::App&, Context&);
};

// The explicit list: help, man pages and completions are checked against it.
constexpr Subcommand kSubcommands[] = {
    {"cache", setup_cache},         {"invalidate-tag", setup_invalidate_tag},
    {"session", setup_session},     {"lock", setup_lock},
    {"ratelimit", setup_ratelimit}, {"stream", setup_stream},
    {"pubsub", setup_pubsub},       {"scan-audit", setup_scan_audit},
    {"expire", setup_expire},       {"completions", setup_completions},  // hidden
};

/// The parser's tree as plain data for the argv walk of util/suggest (hidden commands too: a
/// word naming one is not unknown).
CommandNode command_node(const CLI::App& app) {
    CommandNode node{app.get_name(), {}, {}, {}};
    for (const CLI::Option* opt : app.get_options()) {
        std::vector<std::string> names;
        for (const auto& s : opt->get_snames()) names.push_back("-" + s);
        for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
        for (const auto& n : names) {
            node.flags.push_back(n);
            if (opt->get_items_expected_max() > 0) node.valued_flags.push_back(n);
        }
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        node.children.push_back(command_node(*sub));
    }
    return node;
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
            if (e.get_exit_code() == 0) {  // --help, --version: output too, so it is checked
                std::ostringstream text;
                app.exit(e, text, text);
                ctx.sink().write(text.str());
                ctx.sink().close();
                return kExitOk;
            }
            std::string msg = e.what();
            if (dynamic_cast<const CLI::ExtrasError*>(&e) ||
                dynamic_cast<const CLI::RequiredError*>(&e)) {
                // CLI11 only says "A subcommand is required" or lists the extras; say which
                // word went wrong, and where a misplaced flag goes.
                std::vector<std::string> words(argv + 1, argv + argc);
                if (auto better =
                        diagnosis_message(diagnose_argv(command_node(app), words), "redis-ops")) {
                    msg = *better;
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
        if (!ctx.action && !ctx.print_acl) {
            return fail(kExitUsage, "missing subcommand; run with --help for usage");
        }
        int status = ctx.print_acl ? ctx.print_acl() : ctx.action();
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
