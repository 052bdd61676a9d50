// `stream tail` and `stream info`: flags and printing; the work is in src/stream/.
#include <fmt/format.h>
#include <signal.h>

#include "choices.hpp"
#include "context.hpp"
#include "print_acl.hpp"
#include "redis/errors.hpp"
#include "stream/format.hpp"
#include "stream/info.hpp"
#include "stream/tail.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

struct TailFlags {
    std::vector<std::string> streams;
    std::string from, count, format = "text", group, consumer, batch = "1000";
    bool follow = false, create_group = false, ack = false;
    std::chrono::milliseconds claim_idle{0};
    std::chrono::milliseconds block{5000};
};

int run_tail(Context& ctx, const TailFlags& f, bool claim_given) {
    TailOptions o;
    o.streams = f.streams;
    if (!f.from.empty()) o.from = FromSpec::parse(f.from);
    if (!f.count.empty()) o.count = parse_count(f.count, "--count", 1, 1LL << 62);
    o.follow = f.follow;
    o.batch = static_cast<size_t>(parse_count(f.batch, "--batch", 1, 1000000));
    o.group = f.group;
    o.consumer = f.consumer;
    o.create_group = f.create_group;
    o.ack = f.ack;
    if (claim_given) o.claim_idle = f.claim_idle;
    require_positive(f.block, "--block");
    o.block = f.block;
    EntryFormat format = EntryFormat::parse(f.format, ctx.global.json, o.streams.size() > 1);
    Client& client = ctx.client();
    validate(o, client.options().cluster);

    static StopFlag stop;
    stop_on_signals(stop);
    std::string line;
    TailEvents ev;
    // Each line is flushed as it is printed (redis-ops-stream(1)), so a reader of the pipe sees it
    // at once. A failed write throws out of the tail: OutputError (74) or, when the reader went
    // away (… | head), BrokenPipe (141, quietly); nothing after it is printed or acked.
    ev.flush = [&ctx] { ctx.sink().flush(); };
    ev.entry = [&](const StreamEntry& e) {
        line.clear();
        format.append(line, e);
        ctx.out(line);
    };
    ev.notice = [&ctx](std::string_view msg) { ctx.err(fmt::format("redis-ops: {}\n", msg)); };
    StreamTail tail(client, std::move(o), ev, stop);
    TailEnd end = tail.run();
    ev.flush();
    if (end == TailEnd::Stopped) return 128 + (stop.signal() ? stop.signal() : SIGINT);
    return kExitOk;
}

std::string opt_or_dash(const std::optional<std::string>& s) { return s.value_or("-"); }

int run_info(Context& ctx, const std::string& stream) {
    auto info = read_stream_info(ctx.client(), stream);
    if (!info) {
        ctx.err(fmt::format("redis-ops: stream {} not found\n", stream));
        return kExitNegative;
    }
    if (ctx.global.json) {
        ctx.out(dump_json(to_json(*info)) + "\n");
        return kExitOk;
    }
    const auto& st = ctx.style();
    std::string out = fmt::format(
        "stream {}: {} entries, first {}, last {}, last generated {}{}\n", stream, info->length,
        opt_or_dash(info->first_entry_id), opt_or_dash(info->last_entry_id),
        info->last_generated_id,
        info->entries_added ? fmt::format(", {} added in all", *info->entries_added) : "");
    if (info->groups.empty()) {
        ctx.out(out + "no consumer groups\n");
        return kExitOk;
    }
    std::vector<std::vector<std::string>> groups, consumers;
    for (const auto& g : info->groups) {
        std::string lag = g.lag ? std::to_string(*g.lag) + (g.lag_capped ? "+" : "") : "-";
        std::string oldest = "-", idle = "-";
        if (g.oldest_pending_id) {
            oldest = fmt::format("{} ({}, {} deliveries)", *g.oldest_pending_id,
                                 *g.oldest_pending_consumer, *g.oldest_pending_deliveries);
            idle = format_duration(std::chrono::milliseconds(*g.oldest_pending_idle_ms));
        }
        groups.push_back({g.name, std::to_string(g.consumers.size()), std::to_string(g.pending),
                          g.last_delivered_id, lag, oldest, idle});
        for (const auto& c : g.consumers) {
            consumers.push_back({g.name, c.name, std::to_string(c.pending),
                                 format_duration(std::chrono::milliseconds(c.idle_ms))});
        }
    }
    out += "\n" + render_table(st,
                               {"GROUP", "CONSUMERS", "PENDING", "LAST DELIVERED", "LAG",
                                "OLDEST PENDING", "PENDING IDLE"},
                               groups);
    if (!consumers.empty()) {
        out += "\n" + render_table(st, {"GROUP", "CONSUMER", "PENDING", "IDLE"}, consumers);
    }
    ctx.out(out);
    return kExitOk;
}

}  // namespace

void setup_stream(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("stream", "Read Redis streams like tail -f and kcat -C");
    sub->require_subcommand(1);

    auto f = std::make_shared<TailFlags>();
    auto* tail = sub->add_subcommand(
        "tail", "Print stream entries: the last 10 by default; -f follows new ones");
    tail->add_option("streams", f->streams, "Stream keys")->required()->type_name("STREAM");
    add_print_acl(tail, ctx, "redis-ops-stream",
                  [f] { return stream_tail_acl(f->streams, !f->group.empty()); });
    tail->add_option("--from", f->from,
                     "Start: 0 (beginning), $ (new only), an id, -N (last N), @TIME "
                     "(@2026-11-25T10:00:00Z or @-5m, by the server's clock)");
    tail->add_option("--count", f->count, "Stop after N entries")->type_name("N");
    tail->add_flag("-f,--follow", f->follow,
                   "Keep waiting for new entries (reconnects and resumes after the last id)");
    tail->add_option("--format", f->format,
                     "text, json, or a template: {id} {stream} {field:NAME} {fields}, "
                     "escapes \\n \\t, {{ }}")
        ->capture_default_str()
        ->check(suggests(kFormatNames.names(), "TEMPLATE"));
    tail->add_option("--group", f->group, "Read as this consumer group (XREADGROUP)");
    tail->add_option("--consumer", f->consumer, "Consumer name within --group");
    tail->add_flag(
        "--create-group", f->create_group,
        "Create the group if missing (at --from, default $); with -f, wait for the stream");
    tail->add_flag("--ack", f->ack, "XACK each entry after printing it (at-least-once)");
    auto* claim = add_duration(tail, "--claim-idle", f->claim_idle,
                               "Claim entries other consumers left pending this long (XAUTOCLAIM)");
    add_duration(tail, "--block", f->block,
                 "With -f: longest wait of one blocking read before the streams are checked "
                 "for deletion or trimming (default 5s)");
    tail->add_option("--batch", f->batch, "Entries per read (bounds memory)")
        ->capture_default_str();
    tail->callback([&ctx, f, claim] {
        ctx.action = [&ctx, f, claim] { return run_tail(ctx, *f, claim->count() > 0); };
    });

    auto stream = std::make_shared<std::string>();
    auto* info =
        sub->add_subcommand("info", "Groups, consumers, lag, pending entries and their idle time");
    info->add_option("stream", *stream, "Stream key")->required()->type_name("STREAM");
    add_print_acl(info, ctx, "redis-ops-stream", [stream] { return stream_info_acl(*stream); });
    info->callback(
        [&ctx, stream] { ctx.action = [&ctx, stream] { return run_info(ctx, *stream); }; });
}

}  // namespace redisops
