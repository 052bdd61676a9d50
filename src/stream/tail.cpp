#include "stream/tail.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "redis/errors.hpp"
#include "redis/slot.hpp"
#include "util/pattern.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

using std::chrono::milliseconds;

std::string positions(const std::vector<std::string>& streams, const std::vector<StreamId>& ids) {
    std::string s;
    for (size_t i = 0; i < streams.size(); ++i) {
        s += fmt::format("{}{} {}", i ? ", " : "", streams[i], ids[i].str());
    }
    return s;
}

}  // namespace

AclRules stream_tail_acl(const std::vector<std::string>& streams, bool group) {
    AclRules rules;
    rules.read_only = !group;
    for (const auto& s : streams) rules.keys.push_back(glob_literal(s));
    if (group) {
        rules.add_commands(kStreamGroupCommands);
    } else {
        rules.add_commands(kStreamTailCommands);
    }
    return rules;
}

void validate(const TailOptions& o, bool cluster) {
    if (o.streams.empty()) throw UsageError("stream tail: at least one STREAM is needed");
    if (o.batch == 0) throw UsageError("--batch: must be above zero");
    bool grouped = !o.group.empty() || !o.consumer.empty();
    if (grouped && (o.group.empty() || o.consumer.empty())) {
        throw UsageError("--group and --consumer go together");
    }
    if (!grouped && (o.create_group || o.ack || o.claim_idle)) {
        throw UsageError("--create-group, --ack and --claim-idle need --group and --consumer");
    }
    if (grouped && o.from && !o.create_group) {
        throw UsageError(
            "--from with --group only sets where --create-group starts the group; "
            "the group itself remembers where it is");
    }
    if (o.claim_idle) require_positive(*o.claim_idle, "--claim-idle");
    // One blocking read covers all the streams, so on a cluster they must share a slot.
    bool one_read = o.follow || grouped;
    if (cluster && one_read && o.streams.size() > 1) {
        int slot = hash_slot(o.streams.front());
        for (const auto& s : o.streams) {
            if (hash_slot(s) != slot) {
                throw UsageError(
                    "on a cluster, streams followed together must share a hash slot "
                    "(use a {hashtag}), or run one tail per stream");
            }
        }
    }
}

StreamTail::StreamTail(Client& client, TailOptions opts, TailEvents events, StopFlag& stop)
    : client_(client),
      opts_(std::move(opts)),
      ev_(std::move(events)),
      stop_(stop),
      reconnect_(stop,
                 [this](std::string_view why, milliseconds wait) { connection_lost(why, wait); }) {
    // A stream named twice would be read twice; keep the first mention.
    for (const auto& s : opts_.streams) {
        if (!cursor_for(s)) cur_.push_back(Cursor{s, {}, false, std::nullopt, false, false});
    }
}

StreamTail::Cursor* StreamTail::cursor_for(std::string_view stream) {
    for (auto& c : cur_) {
        if (c.stream == stream) return &c;
    }
    return nullptr;
}

uint64_t StreamTail::next_count() const {
    uint64_t n = opts_.batch;
    if (opts_.count) n = std::min<uint64_t>(n, *opts_.count - printed_);
    return std::max<uint64_t>(n, 1);
}

Reply StreamTail::read(Connection& conn, bool blocking) {
    std::optional<milliseconds> timeout = conn.command_timeout();
    if (blocking || opts_.follow) {
        // Longer than BLOCK, or the read would give up before the server answers.
        timeout = opts_.block + std::max(timeout.value_or(milliseconds(0)), milliseconds(10000));
    }
    stop_.watch(conn.fd());
    if (stop_.requested()) {
        stop_.unwatch();
        throw ClosedError("stopped");
    }
    Reply r;
    try {
        r = conn.read_reply(timeout);
    } catch (...) {
        stop_.unwatch();
        throw;
    }
    stop_.unwatch();
    if (r.is_error()) {
        ReplyError e{std::string(r.error())};
        throw e;
    }
    if (reconnecting_) {
        reconnecting_ = false;
        reconnect_.connected();
        std::vector<std::string> names;
        std::vector<StreamId> ids;
        for (const auto& c : cur_) {
            names.push_back(c.stream);
            ids.push_back(c.last);
        }
        ev_.notice(fmt::format("reconnected to {}; resuming after {}", conn.address().display(),
                               positions(names, ids)));
    }
    return r;
}

bool StreamTail::emit(Cursor& c, ReplyView entry) {
    std::string_view id = entry[0].str();
    StreamId sid = StreamId::from_reply(id);
    if (sid > c.last) c.last = sid;
    c.seen = true;
    ReplyView fields = entry[1];
    if (fields.is_nil()) return false;  // a pending entry whose data was deleted
    scratch_.stream = c.stream;
    scratch_.id = id;
    scratch_.fields.clear();
    size_t n = fields.size();
    for (size_t i = 0; i + 1 < n; i += 2) {
        scratch_.fields.emplace_back(fields[i].str(), fields[i + 1].str());
    }
    ev_.entry(scratch_);
    ++printed_;
    return true;
}

std::optional<StreamId> StreamTail::last_entry_id(const std::string& stream) {
    Reply r = client_.command_for_key(stream, {"XREVRANGE", stream, "+", "-", "COUNT", "1"});
    if (r.size() == 0) return std::nullopt;
    return StreamId::from_reply(r[0][0].str());
}

uint64_t StreamTail::server_time_ms() {
    // The server's clock, not ours: stream ids are made from it.
    Reply r = client_.command({"TIME"});
    return static_cast<uint64_t>(r[0].integer()) * 1000 +
           static_cast<uint64_t>(r[1].integer()) / 1000;
}

StreamId StreamTail::resolve_start(const FromSpec& from, const std::string& stream) {
    using K = FromSpec::Kind;
    switch (from.kind) {
        case K::Beginning:
            return {};
        case K::New:
            return last_entry_id(stream).value_or(StreamId{});
        case K::Id:
            return from.id.prev();
        case K::Time:
            return StreamId{from.time_ms, 0}.prev();
        case K::TimeAgo: {
            uint64_t now = server_time_ms();
            return StreamId{now > from.time_ms ? now - from.time_ms : 0, 0}.prev();
        }
        case K::LastN:
            break;
    }
    // Walk back in pages so `-1000000` never holds more than one page.
    uint64_t need = from.n;
    std::string hi = "+";
    std::optional<StreamId> nth;
    while (need > 0) {
        uint64_t ask = std::min<uint64_t>(need, opts_.batch);
        Reply r = client_.command_for_key(
            stream, {"XREVRANGE", stream, hi, "-", "COUNT", std::to_string(ask)});
        size_t n = r.size();
        if (n == 0) break;
        need -= n;
        nth = StreamId::from_reply(r[n - 1][0].str());
        if (n < ask || nth->is_zero()) break;
        hi = nth->prev().str();
    }
    if (need > 0 || !nth) return {};  // fewer than N entries: all of them
    return nth->prev();
}

void StreamTail::check_first_entry(Cursor& c, StreamId after, const Reply& first) {
    if (first.size() == 0) {
        if (!c.missing_reported) {
            ev_.notice(fmt::format("stream {} was deleted or emptied after {} was printed{}",
                                   c.stream, after.str(),
                                   opts_.follow ? "; waiting for new entries" : ""));
            c.missing_reported = true;
        }
        // Whatever appears from now on is new, even with ids below the old cursor.
        c.last = {};
        c.seen = false;
        return;
    }
    c.missing_reported = false;
    StreamId f = StreamId::from_reply(first[0][0].str());
    if (f > after.next()) {
        ev_.notice(fmt::format(
            "stream {}: entries after {} were removed before they were read (trimmed or "
            "deleted); it now starts at {}",
            c.stream, after.str(), f.str()));
    }
}

StreamTail::Request StreamTail::send_range(Connection& conn, Cursor& c) {
    Request q{c.seen, c.last, next_count()};
    // The first-entry check goes first: if it still sees `after`, the XRANGE behind it in the
    // same pipeline reads everything after it; if not, entries were trimmed before we read them.
    if (q.check) conn.append({"XRANGE", c.stream, "-", "+", "COUNT", "1"});
    conn.append(
        {"XRANGE", c.stream, c.last.next().str(), c.end->str(), "COUNT", std::to_string(q.asked)});
    conn.flush();
    return q;
}

TailEnd StreamTail::read_to_end(Cursor& c) {
    if (!c.end || c.last >= *c.end) return TailEnd::Done;
    Connection& conn = client_.connection_for_key(c.stream);
    std::optional<Request> inflight = send_range(conn, c);
    while (inflight) {
        Request q = *inflight;
        inflight.reset();
        if (q.check) check_first_entry(c, q.after, read(conn, false));
        Reply r = read(conn, false);
        size_t n = r.size();
        // Ask for the next page before printing this one, so Redis works while we format.
        if (n == q.asked && n > 0) {
            StreamId last = StreamId::from_reply(r[n - 1][0].str());
            bool more = !opts_.count || printed_ + n < *opts_.count;
            if (last < *c.end && more && !stop_.requested()) {
                Cursor next = c;
                next.last = last;
                next.seen = true;
                inflight = send_range(conn, next);
            }
        }
        for (size_t i = 0; i < n; ++i) emit(c, r[i]);
        ev_.flush();
        if (!want_more()) return TailEnd::CountReached;
        if (stop_.requested()) return TailEnd::Stopped;
    }
    return TailEnd::Done;
}

TailEnd StreamTail::follow_plain() {
    for (;;) {
        if (stop_.requested()) return TailEnd::Stopped;
        Connection& conn = client_.connection_for_key(cur_.front().stream);
        std::vector<Cursor*> checked;
        std::vector<StreamId> after;
        for (auto& c : cur_) {
            if (!c.seen) continue;
            conn.append({"XRANGE", c.stream, "-", "+", "COUNT", "1"});
            checked.push_back(&c);
            after.push_back(c.last);
        }
        // Always from the last printed id, never `$`: `$` after a reconnect would skip
        // whatever arrived in between.
        Args xread = {"XREAD",
                      "COUNT",
                      std::to_string(next_count()),
                      "BLOCK",
                      std::to_string(opts_.block.count()),
                      "STREAMS"};
        for (const auto& c : cur_) xread.push_back(c.stream);
        for (const auto& c : cur_) xread.push_back(c.last.str());
        conn.append(xread);
        ev_.flush();
        conn.flush();
        for (size_t i = 0; i < checked.size(); ++i) {
            check_first_entry(*checked[i], after[i], read(conn, false));
        }
        Reply r = read(conn, true);
        for (size_t s = 0; s < r.size(); ++s) {  // nil (timeout) has size 0
            Cursor* c = cursor_for(r[s][0].str());
            if (!c) continue;
            ReplyView entries = r[s][1];
            for (size_t i = 0; i < entries.size() && want_more(); ++i) emit(*c, entries[i]);
        }
        if (!want_more()) {
            ev_.flush();
            return TailEnd::CountReached;
        }
    }
}

TailEnd StreamTail::with_reconnect(const std::function<TailEnd()>& body) {
    // Without --follow a lost connection ends the run (exit 3); run() tells a stop apart.
    if (!opts_.follow) return body();
    TailEnd end = TailEnd::Stopped;
    if (!reconnect_.run([&] { end = body(); })) return TailEnd::Stopped;
    return end;
}

void StreamTail::connection_lost(std::string_view why, milliseconds wait) {
    ev_.flush();
    ev_.notice(fmt::format("connection lost ({}); reconnecting in {}", why, format_duration(wait)));
    client_.reset();
    // The next read that succeeds announces where the tail resumes.
    reconnecting_ = true;
}

TailEnd StreamTail::run() {
    try {
        return opts_.group.empty() ? run_plain() : run_group();
    } catch (const ConnectionError&) {
        // A signal shut the socket down under a read: that is a stop, not a lost server.
        if (stop_.requested()) return TailEnd::Stopped;
        throw;
    }
}

TailEnd StreamTail::run_plain() {
    FromSpec from = opts_.from.value_or(FromSpec{});
    for (auto& c : cur_) {
        c.last = resolve_start(from, c.stream);
        // `$` starts after an entry that exists, so a trim past it before we read on is a loss.
        c.seen = from.kind == FromSpec::Kind::New && !c.last.is_zero();
        if (!opts_.follow) c.end = last_entry_id(c.stream);
    }
    if (opts_.follow) return with_reconnect([this] { return follow_plain(); });
    for (auto& c : cur_) {
        TailEnd e = read_to_end(c);
        if (e != TailEnd::Done) return e;
    }
    return TailEnd::Done;
}

}  // namespace redisops
