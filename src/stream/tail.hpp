// `stream tail`: reads one or more streams from a position to the end as it stood at the start
// (like kcat -e, but the end is fixed at start so a busy producer cannot keep it running), or
// follows them with blocking reads, reconnecting after a lost connection and resuming after the
// last id it printed. With a consumer group it reads with XREADGROUP: own pending entries first,
// then new ones (">"), acking after printing when asked (at-least-once).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acl/acl_rules.hpp"
#include "redis/client.hpp"
#include "stream/format.hpp"
#include "stream/reconnect.hpp"
#include "stream/stop.hpp"
#include "stream/stream_id.hpp"

namespace redisops {

/// Every command a plain `stream tail` sends, for --print-acl, all of them reads: the start
/// (XREVRANGE for the last N and the end, TIME for @-5m), XRANGE to the end, XREAD with -f.
inline constexpr const char* kStreamTailCommands[] = {"xrevrange", "xrange", "xread", "time"};
/// With --group, which writes (the group's pending entries list): XGROUP CREATE (and its
/// start, from XREVRANGE or TIME; EXISTS and XREAD to wait for a stream that is not there
/// yet), XREADGROUP, XACK, XAUTOCLAIM.
inline constexpr const char* kStreamGroupCommands[] = {
    "xrevrange", "time", "exists", "xread", "xgroup|create", "xreadgroup", "xack", "xautoclaim"};

/// The rules for tailing exactly these streams: read-only (%R~) unless `group`.
AclRules stream_tail_acl(const std::vector<std::string>& streams, bool group);

struct TailOptions {
    std::vector<std::string> streams;
    std::optional<FromSpec>
        from;  // nullopt: the last 10; with a group: where a new group starts ($)
    std::optional<uint64_t> count;  // stop after this many entries
    bool follow = false;
    size_t batch = 1000;  // COUNT of each read: memory stays bounded for any stream length
    std::string group, consumer;
    bool create_group = false;
    bool ack = false;
    std::optional<std::chrono::milliseconds> claim_idle;
    /// One blocking round (XREAD BLOCK); the read timeout is this plus a margin, so a silently
    /// dead connection is noticed too.
    std::chrono::milliseconds block{5000};
};

struct TailEvents {
    std::function<void(const StreamEntry&)> entry;  // print it (buffered)
    std::function<void()> flush;  // called before every wait on Redis and before XACK
    std::function<void(std::string_view)> notice;  // for stderr: reconnects, trims, deletions
};

enum class TailEnd { Done, CountReached, Stopped };

/// Throws UsageError for option combinations that make no sense.
void validate(const TailOptions& opts, bool cluster);

class StreamTail {
  public:
    StreamTail(Client& client, TailOptions opts, TailEvents events, StopFlag& stop);
    // The reconnect loop's hook points at this object.
    StreamTail(const StreamTail&) = delete;
    StreamTail& operator=(const StreamTail&) = delete;
    /// Errors: ConnectionError (only without --follow, which reconnects), ReplyError
    /// (WRONGTYPE, NOGROUP, …).
    TailEnd run();

  private:
    struct Cursor {
        std::string stream;
        StreamId last;                // the last id printed (or the position before the first)
        bool seen = false;            // `last` is an entry that existed: a trim past it is a loss
        std::optional<StreamId> end;  // without --follow: the last id at start
        bool done = false;
        bool missing_reported = false;
        bool absent = false;  // --create-group without --follow found no stream to read
    };
    struct Request {
        bool check = false;  // a first-entry check went ahead of the XRANGE
        StreamId after;
        uint64_t asked = 0;
    };

    // tail.cpp: positions, plain reads, shared plumbing.
    TailEnd run_plain();
    std::optional<StreamId> last_entry_id(const std::string& stream);
    StreamId resolve_start(const FromSpec& from, const std::string& stream);
    uint64_t server_time_ms();
    TailEnd read_to_end(Cursor& c);
    Request send_range(Connection& conn, Cursor& c);
    TailEnd follow_plain();
    void check_first_entry(Cursor& c, StreamId after, const Reply& first);
    Reply read(Connection& conn, bool blocking);
    bool emit(Cursor& c, ReplyView entry);
    Cursor* cursor_for(std::string_view stream);
    bool want_more() const { return !opts_.count || printed_ < *opts_.count; }
    uint64_t next_count() const;
    /// With --follow, runs `body` again after a lost connection (see ReconnectLoop).
    TailEnd with_reconnect(const std::function<TailEnd()>& body);
    void connection_lost(std::string_view why, std::chrono::milliseconds wait);

    // tail_group.cpp: XREADGROUP, XACK, XAUTOCLAIM.
    TailEnd run_group();
    void create_groups();
    enum class StreamWait { Present, Appeared, Missing };
    /// Appeared: `c`'s stream was not there and --follow waited for it. Missing: it is not
    /// there and, without --follow, `c` is marked done.
    StreamWait wait_for_stream(Cursor& c);
    std::optional<TailEnd> drain_pending();
    std::optional<TailEnd> claim_idle();
    TailEnd read_new();
    /// Prints one XREADGROUP/XAUTOCLAIM batch of `c`, then acks; returns how many came.
    size_t take_batch(Cursor& c, ReplyView entries, bool advance);
    Reply call(const std::string& key, const Args& argv);

    Client& client_;
    TailOptions opts_;
    TailEvents ev_;
    StopFlag& stop_;
    std::vector<Cursor> cur_;
    uint64_t printed_ = 0;
    bool reconnecting_ = false;
    bool groups_created_ = false;
    Clock::time_point last_claim_{};
    StreamEntry scratch_;
    ReconnectLoop reconnect_;
};

}  // namespace redisops
