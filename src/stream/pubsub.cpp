#include "stream/pubsub.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>

#include "redis/errors.hpp"
#include "stream/reconnect.hpp"
#include "util/pattern.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

using std::chrono::milliseconds;

void validate(const PubSubOptions& o) {
    if (o.channels.empty()) throw UsageError("pubsub tail: at least one CHANNEL is needed");
    if (o.pattern && o.shard) throw UsageError("--pattern and --shard cannot be combined");
}

const char* subscribe_verb(const PubSubOptions& o) {
    return o.shard ? "SSUBSCRIBE" : o.pattern ? "PSUBSCRIBE" : "SUBSCRIBE";
}

/// Waits until `conn` has a reply to read. A quiet channel is normal, so silence is answered
/// with a PING; silence after an unanswered PING means the connection is dead.
void wait_readable(Connection& conn, milliseconds keepalive, StopFlag& stop, bool& ping_out) {
    while (!conn.reply_ready()) {
        if (stop.requested()) throw ClosedError("stopped");
        pollfd p{conn.fd(), POLLIN, 0};
        int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(keepalive.count(), INT_MAX)));
        if (rc > 0) return;
        if (rc < 0) {
            if (errno == EINTR) continue;
            throw ClosedError("poll failed");
        }
        if (ping_out) throw TimeoutError("no answer to PING on the subscribed connection");
        conn.append({"PING"});
        conn.flush();
        ping_out = true;
    }
}

/// One subscribed connection, from SUBSCRIBE until --count messages (CountReached) or an error.
TailEnd listen(Client& client, const PubSubOptions& o, const PubSubEvents& ev, StopFlag& stop,
               ReconnectLoop& reconnect, uint64_t& seen, bool& gap) {
    const char* verb = subscribe_verb(o);
    // Sharded channels live on the node owning their slot; the others anywhere.
    Connection& conn =
        o.shard ? client.connection_for_key(o.channels.front()) : client.connection();
    Args sub = {verb};
    sub.insert(sub.end(), o.channels.begin(), o.channels.end());
    conn.append(sub);
    conn.flush();
    bool ping_out = false;
    size_t confirmed = 0;
    for (;;) {
        ev.flush();
        stop.watch(conn.fd());
        Reply r;
        try {
            wait_readable(conn, o.keepalive, stop, ping_out);
            r = conn.read_reply(std::optional<milliseconds>(o.keepalive));
        } catch (...) {
            stop.unwatch();
            throw;
        }
        stop.unwatch();
        r.check();
        std::string_view kind = r[0].str();
        if (kind == "message" || kind == "smessage") {
            ev.message({r[1].str(), std::nullopt, r[2].str()});
        } else if (kind == "pmessage") {
            ev.message({r[2].str(), r[1].str(), r[3].str()});
        } else if (kind == "pong") {
            ping_out = false;
            continue;
        } else {
            if (++confirmed == o.channels.size()) {
                if (gap) ev.notice("resubscribed; messages published while disconnected were lost");
                gap = false;
                reconnect.connected();
            }
            continue;
        }
        ping_out = false;
        if (o.count && ++seen >= *o.count) {
            ev.flush();
            client.reset();  // the connection is in subscribed mode
            return TailEnd::CountReached;
        }
    }
}

}  // namespace

AclRules pubsub_acl(const PubSubOptions& o) {
    validate(o);
    AclRules rules;
    for (const auto& ch : o.channels) rules.channels.push_back(o.pattern ? ch : glob_literal(ch));
    std::string verb = subscribe_verb(o);
    for (auto& ch : verb) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    rules.commands = {verb, "ping"};
    return rules;
}

TailEnd run_pubsub_tail(Client& client, const PubSubOptions& o, const PubSubEvents& ev,
                        StopFlag& stop) {
    validate(o);
    uint64_t seen = 0;
    bool gap = false;
    ReconnectLoop reconnect(stop, [&](std::string_view why, milliseconds wait) {
        ev.flush();
        ev.notice(
            fmt::format("connection lost ({}); reconnecting in {}; Pub/Sub messages "
                        "published until then are lost",
                        why, format_duration(wait)));
        client.reset();
        gap = true;
    });
    TailEnd end = TailEnd::Stopped;
    if (!reconnect.run([&] { end = listen(client, o, ev, stop, reconnect, seen, gap); })) {
        return TailEnd::Stopped;
    }
    return end;
}

}  // namespace redisops
