// The consumer-group half of StreamTail: XGROUP CREATE, XREADGROUP (own pending entries
// first, then ">"), XACK after printing, XAUTOCLAIM of entries that dead consumers left.
#include <fmt/format.h>

#include <algorithm>

#include "redis/errors.hpp"
#include "stream/tail.hpp"

namespace redisops {

Reply StreamTail::call(const std::string& key, const Args& argv) {
    Connection& conn = client_.connection_for_key(key);
    conn.append(argv);
    conn.flush();
    return read(conn, false);
}

StreamTail::StreamWait StreamTail::wait_for_stream(Cursor& c) {
    // MKSTREAM would create the user's stream with no TTL, and the producers' entries would
    // then live in a key this tool made: the group waits for the stream instead (as tail -F
    // waits for a file). XREAD BLOCK on `$` wakes at its first XADD; EXISTS also sees a stream
    // someone created empty.
    bool waited = false;
    while (call(c.stream, {"EXISTS", c.stream}).integer() == 0) {
        if (!opts_.follow) {
            ev_.notice(
                fmt::format("stream {} does not exist: nothing to read, and no group "
                            "created (--create-group does not create streams)",
                            c.stream));
            c.done = c.absent = true;
            return StreamWait::Missing;
        }
        if (!waited) {
            ev_.notice(
                fmt::format("stream {} does not exist yet; waiting for it to be created "
                            "(--create-group does not create streams)",
                            c.stream));
        }
        waited = true;
        Connection& conn = client_.connection_for_key(c.stream);
        conn.append(
            {"XREAD", "BLOCK", std::to_string(opts_.block.count()), "STREAMS", c.stream, "$"});
        ev_.flush();
        conn.flush();
        read(conn, true);
    }
    if (!waited) return StreamWait::Present;
    ev_.notice(fmt::format("stream {} has appeared; creating group {}", c.stream, opts_.group));
    return StreamWait::Appeared;
}

void StreamTail::create_groups() {
    for (auto& c : cur_) {
        StreamWait found = wait_for_stream(c);
        if (found == StreamWait::Missing) continue;
        std::string start = "$";
        using K = FromSpec::Kind;
        if (found == StreamWait::Appeared && (!opts_.from || opts_.from->kind == K::New)) {
            start = "0";  // every entry of a stream that appeared while we waited is new
        } else if (opts_.from) {
            // XGROUP CREATE takes the last id already delivered: one before the first to print.
            start = opts_.from->kind == K::Beginning ? "0"
                    : opts_.from->kind == K::New     ? "$"
                                                     : resolve_start(*opts_.from, c.stream).str();
        }
        try {
            call(c.stream, {"XGROUP", "CREATE", c.stream, opts_.group, start});
        } catch (const ReplyError& e) {
            if (e.kind() != ErrorKind::BusyGroup) throw;
            if (opts_.from && !groups_created_) {
                ev_.notice(fmt::format("group {} already exists on {}; --from is ignored",
                                       opts_.group, c.stream));
            }
        }
    }
    groups_created_ = true;
}

size_t StreamTail::take_batch(Cursor& c, ReplyView entries, bool advance) {
    Args ack = {"XACK", c.stream, opts_.group};
    size_t n = entries.size();
    for (size_t i = 0; i < n && want_more(); ++i) {
        ReplyView e = entries[i];
        StreamId before = c.last;
        if (!emit(c, e)) {
            ev_.notice(
                fmt::format("entry {} of {} is pending in group {} but was deleted from "
                            "the stream{}",
                            e[0].str(), c.stream, opts_.group, opts_.ack ? "; acking it" : ""));
        }
        if (!advance) c.last = before;
        if (opts_.ack) ack.emplace_back(e[0].str());
    }
    // Ack only what is already printed and flushed: a crash in between re-delivers, never loses.
    ev_.flush();
    if (ack.size() > 3) call(c.stream, ack);
    return n;
}

std::optional<TailEnd> StreamTail::drain_pending() {
    // XREADGROUP with an id (not ">") re-reads this consumer's own pending entries after it:
    // from 0 at start (a previous run's unacked entries), from the last printed id after a
    // reconnect (entries whose reply was lost with the connection).
    std::vector<Cursor*> active;
    for (auto& c : cur_) {
        if (!c.absent) active.push_back(&c);
    }
    while (!active.empty()) {
        if (stop_.requested()) return TailEnd::Stopped;
        if (!want_more()) return TailEnd::CountReached;
        Args a = {"XREADGROUP",   "GROUP", opts_.group,
                  opts_.consumer, "COUNT", std::to_string(next_count()),
                  "STREAMS"};
        for (auto* c : active) a.push_back(c->stream);
        for (auto* c : active) a.push_back(c->last.str());
        ev_.flush();
        Reply r = call(active.front()->stream, a);
        std::vector<Cursor*> still;
        for (size_t s = 0; s < r.size(); ++s) {
            Cursor* c = cursor_for(r[s][0].str());
            if (c && take_batch(*c, r[s][1], true) > 0) still.push_back(c);
        }
        active = std::move(still);
    }
    return std::nullopt;
}

std::optional<TailEnd> StreamTail::claim_idle() {
    std::string idle = std::to_string(opts_.claim_idle->count());
    for (auto& c : cur_) {
        if (c.absent) continue;
        std::string start = "0-0";
        do {
            if (stop_.requested()) return TailEnd::Stopped;
            if (!want_more()) return TailEnd::CountReached;
            Reply r = call(c.stream, {"XAUTOCLAIM", c.stream, opts_.group, opts_.consumer, idle,
                                      start, "COUNT", std::to_string(next_count())});
            // Claimed entries may lie below the cursor; they must not move it.
            take_batch(c, r[1], false);
            if (r.size() > 2 && r[2].size() > 0) {  // Redis 7: ids deleted from the stream
                ev_.notice(
                    fmt::format("{} entries pending in group {} were deleted from {}; "
                                "XAUTOCLAIM dropped them from the pending list",
                                r[2].size(), opts_.group, c.stream));
            }
            start = std::string(r[0].str());
        } while (start != "0-0");
    }
    last_claim_ = Clock::now();
    return std::nullopt;
}

TailEnd StreamTail::read_new() {
    auto block = opts_.block;
    if (opts_.claim_idle) block = std::min(block, *opts_.claim_idle);
    for (;;) {
        if (stop_.requested()) return TailEnd::Stopped;
        if (!want_more()) return TailEnd::CountReached;
        if (opts_.claim_idle && Clock::now() - last_claim_ >= *opts_.claim_idle) {
            if (auto e = claim_idle()) return *e;
        }
        std::vector<Cursor*> active;
        for (auto& c : cur_) {
            if (!c.done) active.push_back(&c);
        }
        if (active.empty()) return TailEnd::Done;
        Args a = {"XREADGROUP",   "GROUP", opts_.group,
                  opts_.consumer, "COUNT", std::to_string(next_count())};
        if (opts_.follow) {
            a.push_back("BLOCK");
            a.push_back(std::to_string(block.count()));
        }
        a.push_back("STREAMS");
        for (auto* c : active) a.push_back(c->stream);
        for (size_t i = 0; i < active.size(); ++i) a.push_back(">");
        ev_.flush();
        Connection& conn = client_.connection_for_key(active.front()->stream);
        conn.append(a);
        conn.flush();
        Reply r = read(conn, opts_.follow);
        std::vector<Cursor*> fed;
        for (size_t s = 0; s < r.size(); ++s) {  // nil: nothing new
            Cursor* c = cursor_for(r[s][0].str());
            if (!c) continue;
            take_batch(*c, r[s][1], true);
            fed.push_back(c);
        }
        if (opts_.follow) continue;
        // Without --follow: stop at the end as it stood at the start, or when nothing is left.
        for (auto* c : active) {
            bool got = std::find(fed.begin(), fed.end(), c) != fed.end();
            if (!got || !c->end || c->last >= *c->end) c->done = true;
        }
    }
}

TailEnd StreamTail::run_group() {
    if (!opts_.follow) {
        for (auto& c : cur_) {
            c.end = last_entry_id(c.stream);
            c.done = !c.end;
        }
    }
    return with_reconnect([this]() -> TailEnd {
        if (opts_.create_group) create_groups();
        if (auto e = drain_pending()) return *e;
        if (opts_.claim_idle) {
            if (auto e = claim_idle()) return *e;
        }
        return read_new();
    });
}

}  // namespace redisops
