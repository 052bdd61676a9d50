// scan-audit: the keyspace hygiene audit (keys without TTL, big keys, KEYS usage) for shells
// and CI. Binds flags, shows progress, prints the report, and turns gates into exit codes.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "audit/audit.hpp"
#include "audit/baseline.hpp"
#include "audit/checks.hpp"
#include "audit/policy.hpp"
#include "audit/rdb_audit.hpp"
#include "audit/report.hpp"
#include "audit/walk.hpp"
#include "choices.hpp"
#include "context.hpp"
#include "print_acl.hpp"
#include "progress.hpp"
#include "redis/errors.hpp"
#include "util/atomic_file.hpp"
#include "util/units.hpp"

namespace redisops {

namespace {

struct ScanAuditFlags {
    AuditOptions audit;
    std::string big_elements, top = "10", count = "1000", max_patterns = "1000", rate = "0";
    std::string fail_on, max_no_ttl = "0", format;
    std::string rdb;        // --rdb FILE|-
    bool rdb_sync = false;  // --rdb-sync
    bool db_given = false;  // -n (or a URL's /db) picks one db of a snapshot
    std::string live_flag;  // a flag given that only a live walk has (--rate, --count, --replica)
    std::string output;     // --output FILE: replaced atomically
    std::string idle_over;  // --idle-over D (implies --idle; default 30d)
    std::string baseline;   // --baseline FILE: an earlier --format json report
    std::string baseline_slack = "5%";
    std::string policy;  // --policy FILE (YAML or JSON)
};

/// The whole file, or UsageError (exit 2) naming the flag.
std::string read_file_text(const std::string& path, std::string_view flag) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw UsageError(fmt::format("{} {}: cannot open: {}", flag, path, std::strerror(errno)));
    std::ostringstream all;
    all << in.rdbuf();
    if (in.bad()) throw UsageError(fmt::format("{} {}: cannot read", flag, path));
    return all.str();
}

/// A live walk, or the audit of a snapshot (--rdb, --rdb-sync).
AuditReport run_chosen_audit(Context& ctx, ScanAuditFlags& f, const AuditTick& tick) {
    if (f.rdb.empty() && !f.rdb_sync) return run_audit(ctx.client(), f.audit, tick);
    if (!f.rdb.empty() && f.rdb_sync) throw UsageError("--rdb and --rdb-sync exclude each other");
    // A snapshot costs the server no SCAN to throttle or page: these would silently do nothing.
    if (!f.live_flag.empty())
        throw UsageError(f.live_flag + " applies to live walks, not to --rdb/--rdb-sync");
    RdbAuditOptions o{f.audit, std::nullopt};
    o.audit.walk.element_counts = true;  // exact, and free: they come with each value
    if (f.db_given) o.db = static_cast<uint64_t>(ctx.connection_options().db);
    if (f.rdb_sync) return run_rdb_sync_audit(ctx.client(), o, tick);
    if (ctx.global.cluster) throw UsageError("--rdb reads one file; -c applies to --rdb-sync");
    return run_rdb_file_audit(f.rdb, o, tick);
}

std::string render_report(ReportFormat format, const AuditReport& report,
                          const std::vector<CheckOutcome>& checks, const OutputStyle& style) {
    switch (format) {
        case ReportFormat::Json:
            return dump_json(audit_json(report, checks)) + "\n";
        case ReportFormat::Junit:
            return audit_junit(report, checks);
        case ReportFormat::Prometheus:
            return audit_prometheus(report, checks);
        case ReportFormat::Html:
            return audit_html(report, checks);
        case ReportFormat::Table:
            break;
    }
    return audit_text(report, checks, style);
}

int run_scan_audit(Context& ctx, ScanAuditFlags& f, bool format_given) {
    AuditOptions& o = f.audit;
    if (!f.big_elements.empty()) {
        o.limits.big_elements =
            static_cast<uint64_t>(parse_count(f.big_elements, "--big-elements", 1, INT64_MAX));
        o.walk.element_counts = true;
    }
    o.limits.top = static_cast<size_t>(parse_count(f.top, "--top", 0, 100000));
    o.walk.count = static_cast<size_t>(parse_count(f.count, "--count", 1, 1000000));
    o.limits.max_patterns =
        static_cast<size_t>(parse_count(f.max_patterns, "--max-patterns", 1, 1000000));
    o.walk.rate = static_cast<double>(parse_count(f.rate, "--rate", 0, 1000000000));
    if (!f.idle_over.empty()) o.walk.idle = true;
    if (o.walk.idle) {
        o.limits.idle_over_ms = f.idle_over.empty()
                                    ? 30LL * 24 * 3600 * 1000
                                    : parse_duration(f.idle_over, "--idle-over").count();
    }
    Gates gates{parse_fail_on(f.fail_on), parse_no_ttl_limit(f.max_no_ttl)};
    if (gates.fail_on.contains(Check::Policy) && f.policy.empty())
        throw UsageError("--fail-on policy needs --policy FILE");
    // Read before the walk: a bad baseline or policy fails now, not after an hour of SCAN.
    if (!f.policy.empty()) {
        o.limits.policy = std::make_shared<const Policy>(
            parse_policy(read_file_text(f.policy, "--policy"), f.policy));
        if (o.limits.policy->needs_idle()) {
            o.walk.idle = true;  // max_idle reads OBJECT IDLETIME in the same pipeline
            if (!o.limits.idle_over_ms) o.limits.idle_over_ms = 30LL * 24 * 3600 * 1000;
        }
    }
    std::optional<Baseline> baseline;
    BaselineSlack slack = parse_baseline_slack(f.baseline_slack);
    if (!f.baseline.empty())
        baseline = parse_baseline(read_file_text(f.baseline, "--baseline"), f.baseline);
    ReportFormat format = format_given      ? kReportFormats.parse(f.format, "--format")
                          : ctx.global.json ? ReportFormat::Json
                                            : ReportFormat::Table;

    // Opened before the walk: an unwritable directory fails now, not after an hour of SCAN.
    std::optional<AtomicFileSink> file;
    if (!f.output.empty()) file.emplace(f.output);
    OutputStyle style = ctx.style();
    if (file) style.color = style.tty = false;  // a file gets plain text
    bool progress = style.err_tty;
    // With MATCH or TYPE, SCAN returns a subset: a share of DBSIZE would mislead.
    bool estimate_applies = o.walk.match.empty() && o.walk.type.empty();
    auto started = std::chrono::steady_clock::now();
    AuditTick tick;
    if (progress) {
        tick = [&](uint64_t done, uint64_t expected) {
            double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            std::optional<uint64_t> of;
            if (estimate_applies) of = expected;
            ctx.err(fmt::format("\r\x1b[K{}",
                                progress_line("scan-audit", done, of, std::nullopt, secs)));
        };
    }
    AuditReport report = run_chosen_audit(ctx, f, tick);
    if (progress) ctx.err("\r\x1b[K");

    if (baseline) report.baseline = compare_to_baseline(*baseline, report, slack);
    auto checks = evaluate_checks(report, gates);
    std::string text = render_report(format, report, checks, style);
    if (file) {
        file->write(text);
        file->close();
    } else {
        ctx.out(text);
    }

    if (!report.complete) {
        for (const auto& n : report.nodes) {
            if (!n.complete)
                ctx.err(fmt::format("redis-ops: audit of {} cut short: {}\n", n.address, n.error));
        }
        return kExitUnreachable;  // an audit that did not see everything never passes
    }
    return gates_crossed(checks) ? kExitNegative : kExitOk;
}

}  // namespace

void setup_scan_audit(CLI::App& app, Context& ctx) {
    auto f = std::make_shared<ScanAuditFlags>();
    auto* sub = app.add_subcommand("scan-audit",
                                   "Audit the keyspace with SCAN (never KEYS): keys without TTL by "
                                   "pattern, big keys, KEYS usage");
    sub->footer(
        "Reads TYPE, PTTL and MEMORY USAGE (default SAMPLES 5) of every key, pipelined, without "
        "touching\n"
        "LRU/LFU; element counts only with --big-elements (after CLIENT NO-TOUCH ON on Redis "
        "7.2+).\n"
        "Walks every master of a cluster in parallel. --replica reads from an online replica that\n"
        "INFO replication names, and from the master when there is none (a note says so).\n"
        "Exit: 0 within thresholds, 1 a --fail-on check crossed, 3 the audit was cut short.");
    WalkOptions& w = f->audit.walk;
    sub->add_option("--match", w.match, "Only keys matching GLOB (SCAN MATCH)")->type_name("GLOB");
    add_print_acl(sub, ctx, "redis-ops-audit", [f] {
        AclRules rules;
        rules.read_only = true;  // an audit reads; nothing it sends writes a key
        rules.keys = {f->audit.walk.match.empty() ? "*" : f->audit.walk.match};
        rules.add_commands(kAuditCommands);
        rules.newer_commands.assign(std::begin(kAuditNewerCommands), std::end(kAuditNewerCommands));
        return rules;
    });
    sub->add_option("--type", w.type, "Only keys of this type (SCAN TYPE): string, hash, list, …")
        ->type_name("T")
        ->check(suggests(kKeyTypes.names(), "MODULE-TYPE"));
    add_size(sub, "--big-bytes", f->audit.limits.big_bytes,
             "A key this big or bigger is big (default 100kb)");
    sub->add_option("--big-elements", f->big_elements,
                    "A key with N or more elements is big; counts elements")
        ->type_name("N");
    sub->add_option("--top", f->top, "How many of the biggest keys to list (default 10)")
        ->type_name("N");
    sub->add_option("--ignore", w.ignore,
                    "Keys allowed to have no TTL (repeatable), e.g. 'config:*'")
        ->type_name("GLOB");
    sub->add_option("--fail-on", f->fail_on,
                    "Exit 1 when these checks find something: no-ttl,big,keys-usage")
        ->type_name("CHECKS")
        ->check(list_of(kChecks));
    sub->add_option("--max-no-ttl", f->max_no_ttl,
                    "Keys without TTL tolerated by --fail-on no-ttl: N or P% (0)")
        ->type_name("N|P%");
    auto* format =
        sub->add_option("--format", f->format, "table (default), json, junit, prometheus or html")
            ->check(one_of(kReportFormats));
    sub->add_option("--output", f->output,
                    "Write the report to FILE, replaced atomically (temp file, fsync, rename)")
        ->type_name("FILE");
    auto* rate =
        sub->add_option("--rate", f->rate, "At most KEYS/S keys a second per node (0: no limit)")
            ->type_name("KEYS/S");
    auto* count =
        sub->add_option("--count", f->count, "SCAN COUNT per page (default 1000)")->type_name("N");
    sub->add_option("--max-patterns", f->max_patterns,
                    "Distinct patterns kept per table; the rest are 'other' (1000)")
        ->type_name("N");
    sub->add_flag("--idle", w.idle,
                  "Read OBJECT IDLETIME per key (OBJECT FREQ under an LFU policy): idle p50/max "
                  "per pattern");
    sub->add_option("--idle-over", f->idle_over,
                    "Count keys without TTL idle longer than D, per pattern (implies --idle; 30d)")
        ->type_name("D");
    sub->add_option("--policy", f->policy,
                    "Rules as code (YAML or JSON): defaults: and an ordered rules: list, first "
                    "match wins; gate with --fail-on policy")
        ->type_name("FILE");
    sub->add_option("--baseline", f->baseline,
                    "Compare with an earlier --format json report: findings become new, grown, "
                    "known or gone, and --fail-on counts only new and grown")
        ->type_name("FILE");
    sub->add_option("--baseline-slack", f->baseline_slack,
                    "Growth a known finding may have before it is 'grown': N or P% (5%)")
        ->type_name("N|P%");
    sub->add_flag("--replica", f->audit.replica,
                  "Read from a replica of each master when one is online");
    sub->add_option("--rdb", f->rdb, "Audit this RDB snapshot instead of a server ('-': stdin)")
        ->type_name("FILE|-");
    sub->add_flag("--rdb-sync", f->rdb_sync,
                  "Stream a snapshot from each master over replication and audit it");
    sub->callback([&app, &ctx, f, format, rate, count] {
        f->live_flag = rate->count()      ? "--rate"
                       : count->count()   ? "--count"
                       : f->audit.replica ? "--replica"
                                          : "";
        f->db_given =
            app.count("--db") > 0 || (!ctx.global.url.empty() && ctx.connection_options().db != 0);
        ctx.action = [&ctx, f, format]() -> int {
            return run_scan_audit(ctx, *f, format->count() > 0);
        };
    });
}

}  // namespace redisops
