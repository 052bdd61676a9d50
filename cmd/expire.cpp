// expire: gives the keys an audit found without TTL one, safely (NX / LT, never overwriting a
// TTL set meanwhile), throttled and reversibly (--undo-log, --undo). Binds flags, shows
// progress, prints the report.
#include "expire/expire.hpp"

#include <fmt/format.h>

#include <optional>

#include "context.hpp"
#include "expire/report.hpp"
#include "expire/undo.hpp"
#include "expire/undo_log.hpp"
#include "print_acl.hpp"
#include "progress.hpp"
#include "stream/stop.hpp"
#include "util/units.hpp"

namespace redisops {

namespace {

struct ExpireFlags {
    std::vector<std::string> match, exclude;
    std::string type, ttl, jitter, idle_over, limit, rate = "0", count = "200",
                                                     max_patterns = "1000";
    std::string undo_log, undo;
    bool shorten = false, dry_run = false;
};

StopFlag& stop_flag() {
    static StopFlag stop;  // a signal handler can only reach something static
    return stop;
}

ExpireOptions expire_options(const ExpireFlags& f) {
    ExpireOptions o;
    if (f.match.empty()) throw UsageError("expire: --match GLOB is required (e.g. --match '*')");
    for (const auto& m : f.match) {
        if (m.empty()) throw UsageError("--match: empty pattern (use '*' for every key)");
    }
    o.match = f.match;
    for (const auto& e : f.exclude) {
        if (e.empty()) throw UsageError("--exclude: empty pattern");
    }
    o.exclude = f.exclude;
    o.type = f.type;
    if (f.ttl.empty()) throw UsageError("expire: --ttl DURATION is required (e.g. --ttl 7d)");
    o.ttl = parse_duration(f.ttl, "--ttl");
    if (o.ttl.count() <= 0) throw UsageError("--ttl: must be above zero");
    if (!f.jitter.empty()) {
        std::string j = f.jitter.ends_with("%") ? f.jitter : f.jitter + "%";
        o.jitter = parse_percent(j, "--jitter", 90) / 100;
    }
    o.shorten = f.shorten;
    if (!f.idle_over.empty()) o.idle_over = parse_duration(f.idle_over, "--idle-over");
    if (!f.limit.empty()) {
        o.limit = static_cast<uint64_t>(parse_count(f.limit, "--limit", 1, INT64_MAX / 4));
    }
    o.rate = static_cast<double>(parse_count(f.rate, "--rate", 0, 1000000000));
    o.count = static_cast<size_t>(parse_count(f.count, "--count", 1, 1000000));
    o.max_patterns = static_cast<size_t>(parse_count(f.max_patterns, "--max-patterns", 1, 1000000));
    o.dry_run = f.dry_run;
    if (o.dry_run && !f.undo_log.empty()) {
        throw UsageError("--undo-log: a --dry-run changes nothing, so there is nothing to log");
    }
    return o;
}

int run_undo_command(Context& ctx, const ExpireFlags& f) {
    if (!f.match.empty() || !f.exclude.empty() || !f.type.empty() || !f.ttl.empty() ||
        !f.jitter.empty() || !f.idle_over.empty() || !f.limit.empty() || f.shorten ||
        !f.undo_log.empty()) {
        throw UsageError("--undo FILE takes only --dry-run and --rate");
    }
    UndoOptions o;
    o.path = f.undo;
    o.dry_run = f.dry_run;
    o.rate = static_cast<double>(parse_count(f.rate, "--rate", 0, 1000000000));
    stop_on_signals(stop_flag());
    UndoReport r = run_undo(ctx.client(), o, stop_flag());
    ctx.out(ctx.global.json ? dump_json(undo_json(r)) + "\n" : undo_text(r));
    if (r.interrupted) return exit_for_signal(stop_flag().signal());
    if (!r.complete) {
        ctx.err(fmt::format("redis-ops: undo cut short: {}\n", r.error));
        return kExitUnreachable;
    }
    return kExitOk;
}

int run_expire_command(Context& ctx, const ExpireFlags& f) {
    if (!f.undo.empty()) return run_undo_command(ctx, f);
    ExpireOptions o = expire_options(f);
    std::optional<UndoLogWriter> log;
    if (!f.undo_log.empty()) {
        log.emplace(f.undo_log);
        o.undo_log = &*log;
    }
    const OutputStyle& style = ctx.style();
    auto started = std::chrono::steady_clock::now();
    ExpireTick tick;
    if (style.err_tty) {
        tick = [&](uint64_t scanned, uint64_t changed, double fraction) {
            double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            ctx.err(fmt::format("\r\x1b[K{}, {} {}",
                                progress_line("expire", scanned, std::nullopt, fraction, secs),
                                changed, o.dry_run ? "would change" : "changed"));
        };
    }
    // Ctrl-C: every node finishes the page in flight (its undo lines are on disk and its
    // commands answered), sends nothing more, and the report says what was done.
    stop_on_signals(stop_flag());
    ExpireReport report = run_expire(ctx.client(), o, stop_flag(), tick);
    if (style.err_tty) ctx.err("\r\x1b[K");
    ctx.out(ctx.global.json ? dump_json(expire_json(report)) + "\n" : expire_text(report, style));
    if (report.failure) std::rethrow_exception(report.failure);
    if (report.interrupted) return exit_for_signal(stop_flag().signal());
    bool cut_short = false;
    for (const auto& n : report.nodes) {
        if (!n.complete && !n.error.empty()) {
            ctx.err(fmt::format("redis-ops: expire on {} cut short after {} changes: {}\n",
                                n.address, n.counts.changed, n.error));
            cut_short = true;
        }
    }
    return cut_short || report.nodes.empty() ? kExitUnreachable : kExitOk;
}

}  // namespace

void setup_expire(CLI::App& app, Context& ctx) {
    auto f = std::make_shared<ExpireFlags>();
    auto* sub = app.add_subcommand(
        "expire", "Give keys without a TTL one, safely (NX), throttled, with an undo log");
    sub->footer(
        "Walks every master with SCAN (MATCH and TYPE sent to the server), reads PEXPIRETIME\n"
        "(and OBJECT IDLETIME with --idle-over) without touching LRU/LFU, then sets\n"
        "PEXPIREAT key <server TIME + ttl> NX, or LT with --shorten: a TTL set meanwhile is never\n"
        "overwritten, and no TTL is ever raised or removed. --undo-log lines are on disk before\n"
        "their commands are sent; --undo FILE puts back each expiry still as it was set.\n"
        "Needs Redis 7.0+. Exit: 0 done, 2 bad input, 3 cut short (the undo log stays valid),\n"
        "4 server error, 130 interrupted after the page in flight.");
    sub->add_option("--match", f->match, "Keys matching GLOB (SCAN MATCH; repeatable)")
        ->type_name("GLOB");
    add_print_acl(sub, ctx, "redis-ops-expire", [f] {
        AclRules rules;
        rules.keys = f->match.empty() ? std::vector<std::string>{"*"} : f->match;
        rules.add_commands(kExpireCommands);
        return rules;
    });
    sub->add_option("--ttl", f->ttl, "The TTL to give (e.g. 7d); required")->type_name("DURATION");
    sub->add_option("--exclude", f->exclude, "Leave keys matching GLOB alone (repeatable)")
        ->type_name("GLOB");
    sub->add_option("--type", f->type, "Only keys of this type (SCAN TYPE)")->type_name("T");
    sub->add_flag("--shorten", f->shorten, "Also lower TTLs longer than --ttl (PEXPIREAT LT)");
    sub->add_option("--jitter", f->jitter, "Spread each TTL uniformly over ±P% (at most 90%)")
        ->type_name("P%");
    sub->add_option("--idle-over", f->idle_over,
                    "Only keys idle longer than D (OBJECT IDLETIME; refused under LFU)")
        ->type_name("DURATION");
    sub->add_option("--limit", f->limit, "Stop after N changes")->type_name("N");
    sub->add_option("--rate", f->rate, "At most KEYS/S keys a second per node (0: no limit)")
        ->type_name("KEYS/S");
    sub->add_option("--count", f->count, "SCAN COUNT per page (default 200)")->type_name("N");
    sub->add_option("--max-patterns", f->max_patterns,
                    "Distinct patterns kept in the report; the rest are 'other' (1000)")
        ->type_name("N");
    sub->add_flag("--dry-run", f->dry_run, "Change nothing; report what would change, with bytes");
    sub->add_option("--undo-log", f->undo_log, "Write each change to FILE (JSON Lines) first")
        ->type_name("FILE");
    sub->add_option("--undo", f->undo, "Restore the expiries an earlier run logged in FILE")
        ->type_name("FILE");
    sub->callback(
        [&ctx, f] { ctx.action = [&ctx, f]() -> int { return run_expire_command(ctx, *f); }; });
}

}  // namespace redisops
