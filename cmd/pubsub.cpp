// `pubsub tail`: flags and printing; the work is in src/stream/pubsub.cpp.
#include "stream/pubsub.hpp"

#include <fmt/format.h>
#include <signal.h>

#include "choices.hpp"
#include "context.hpp"
#include "print_acl.hpp"
#include "stream/format.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

struct PubSubFlags {
    std::vector<std::string> channels;
    bool pattern = false, shard = false;
    std::string format = "text", count, keepalive = "15s";
};

int run_pubsub(Context& ctx, const PubSubFlags& f) {
    PubSubOptions o;
    o.channels = f.channels;
    o.pattern = f.pattern;
    o.shard = f.shard;
    if (!f.count.empty()) o.count = parse_count(f.count, "--count", 1, 1LL << 62);
    o.keepalive = parse_positive_duration(f.keepalive, "--keepalive");
    MessageFormat format =
        MessageFormat::parse(f.format, ctx.global.json, o.channels.size() > 1 || o.pattern);
    Client& client = ctx.client();

    static StopFlag stop;
    stop_on_signals(stop);
    ctx.err(
        "redis-ops: note: Pub/Sub keeps no history: messages published while nobody is "
        "subscribed (before this starts, or during a reconnect) are lost; use a stream "
        "(stream tail) for durable delivery\n");
    std::string line;
    PubSubEvents ev;
    // As in stream tail: each line flushed as it arrives; a failed write throws out of the tail.
    ev.flush = [&ctx] { ctx.sink().flush(); };
    ev.message = [&](const PubSubMessage& m) {
        line.clear();
        format.append(line, m);
        ctx.out(line);
    };
    ev.notice = [&ctx](std::string_view msg) { ctx.err(fmt::format("redis-ops: {}\n", msg)); };
    TailEnd end = run_pubsub_tail(client, o, ev, stop);
    ev.flush();
    if (end == TailEnd::Stopped) return 128 + (stop.signal() ? stop.signal() : SIGINT);
    return kExitOk;
}

}  // namespace

void setup_pubsub(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("pubsub", "Follow Pub/Sub channels");
    sub->require_subcommand(1);
    auto f = std::make_shared<PubSubFlags>();
    auto* tail = sub->add_subcommand(
        "tail", "Print messages as they are published (nothing published earlier is kept)");
    tail->add_option("channels", f->channels, "Channels (patterns with --pattern)")
        ->required()
        ->type_name("CHANNEL");
    add_print_acl(tail, ctx, "redis-ops-pubsub", [f] {
        PubSubOptions o;
        o.channels = f->channels;
        o.pattern = f->pattern;
        o.shard = f->shard;
        return pubsub_acl(o);
    });
    tail->add_flag("--pattern", f->pattern, "Channels are glob patterns (PSUBSCRIBE)");
    tail->add_flag("--shard", f->shard, "Sharded channels (SSUBSCRIBE, Redis 7)");
    tail->add_option("--format", f->format,
                     "text, json, or a template: {channel} {pattern} {message}")
        ->capture_default_str()
        ->check(suggests(kFormatNames.names(), "TEMPLATE"));
    tail->add_option("--count", f->count, "Stop after N messages")->type_name("N");
    tail->add_option("--keepalive", f->keepalive,
                     "PING a subscription quiet for D; no answer within D more: reconnect")
        ->type_name("D")
        ->capture_default_str();
    tail->callback([&ctx, f] { ctx.action = [&ctx, f] { return run_pubsub(ctx, *f); }; });
}

}  // namespace redisops
