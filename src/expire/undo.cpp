#include "expire/undo.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <map>

#include "expire/undo_log.hpp"
#include "redis/error_kind.hpp"
#include "redis/errors.hpp"
#include "redis/script.hpp"
#include "redis/slot_map.hpp"
#include "stream/stop.hpp"
#include "util/throttle.hpp"

namespace redisops {

namespace {

using Clock = std::chrono::steady_clock;

constexpr long long kClusterSlackMs = 100;

class Undo {
  public:
    Undo(Client& client, const UndoOptions& opts, UndoReport& report)
        : client_(client),
          opts_(opts),
          report_(report),
          script_("expire_undo"),
          // See lua/expire_undo.lua: resharding carries TTLs as relative times.
          slack_ms_(client.options().cluster ? kClusterSlackMs : 0) {}

    /// Restores (or, dry, inspects) one chunk: pipelined per node, and any record whose reply
    /// is a redirect or NOSCRIPT sent again alone through the Client, which follows it.
    void chunk(const std::vector<UndoRecord>& records) {
        std::map<Connection*, std::vector<size_t>> by_node;
        for (size_t i = 0; i < records.size(); ++i) {
            by_node[&client_.connection_for_key(records[i].key)].push_back(i);
        }
        for (auto& [conn, indexes] : by_node) {
            for (size_t i : indexes) conn->append(argv(records[i]));
            conn->flush();
            std::vector<Reply> replies;
            replies.reserve(indexes.size());
            for (size_t n = 0; n < indexes.size(); ++n) replies.push_back(conn->read_reply());
            for (size_t n = 0; n < indexes.size(); ++n) {
                const UndoRecord& r = records[indexes[n]];
                Reply& reply = replies[n];
                if (reply.is_error()) {
                    std::string_view err = reply.error();
                    ErrorKind kind = classify_error(err);
                    if (!is_redirect(kind) && kind != ErrorKind::NoScript) {
                        throw ReplyError(kind, fmt::format("{}: {}", script_.name(), err));
                    }
                    reply = alone(r);
                }
                tally(r, reply.integer());
            }
        }
    }

  private:
    Args argv(const UndoRecord& r) const {
        if (opts_.dry_run) return {"PEXPIRETIME", r.key};
        return script_.evalsha_argv({r.key}, script_args(r));
    }

    Reply alone(const UndoRecord& r) {
        if (opts_.dry_run) return client_.command_for_key(r.key, {"PEXPIRETIME", r.key});
        return client_.eval(script_, {r.key}, script_args(r));
    }

    Args script_args(const UndoRecord& r) const {
        return {std::to_string(r.new_expire_at_ms), std::to_string(r.old_expire_at_ms),
                std::to_string(slack_ms_)};
    }

    /// The script's answer, or on a dry run PEXPIRETIME mapped to the same codes.
    void tally(const UndoRecord& r, long long v) {
        if (opts_.dry_run) {
            bool as_set = v >= 0 && std::llabs(v - r.new_expire_at_ms) <= slack_ms_;
            v = v == -2 ? -1 : v == r.old_expire_at_ms ? 2 : as_set ? 1 : 0;
        }
        ++report_.done;
        if (v == 1) ++report_.restored;
        if (v == 2) ++report_.unchanged;
        if (v == 0) ++report_.left_changed;
        if (v == -1) ++report_.gone;
    }

    Client& client_;
    const UndoOptions& opts_;
    UndoReport& report_;
    Script script_;
    long long slack_ms_;
};

}  // namespace

UndoReport run_undo(Client& client, const UndoOptions& opts, const StopFlag& stop) {
    auto started = Clock::now();
    UndoReport report;
    report.dry_run = opts.dry_run;
    // First the whole file, so a damaged log restores nothing rather than half.
    UndoLogScan scan = read_undo_log(opts.path, [](const UndoRecord&) {});
    report.records = scan.records;
    report.torn_last_line = scan.torn_last_line;
    if (scan.torn_last_line) {
        report.notes.push_back(fmt::format(
            "the last line of {} was cut short (a crash while writing it): skipped, its change "
            "was never sent ({})",
            opts.path, scan.torn_text));
    }
    Undo undo(client, opts, report);
    RateThrottle throttle(opts.rate);
    size_t chunk_size = throttled_page_size(opts.rate, 500);
    std::vector<UndoRecord> chunk;
    chunk.reserve(chunk_size);
    try {
        auto flush = [&] {
            if (chunk.empty()) return;
            throttle.admit(chunk.size());
            undo.chunk(chunk);
            chunk.clear();
        };
        struct Stopped {};
        try {
            read_undo_log(opts.path, [&](const UndoRecord& r) {
                if (stop.requested()) throw Stopped{};
                chunk.push_back(r);
                if (chunk.size() >= chunk_size) flush();
            });
            if (stop.requested()) throw Stopped{};
            flush();
            report.complete = true;
        } catch (const Stopped&) {
            report.interrupted = true;
        }
    } catch (const ConnectionError& e) {
        report.error = e.what();
    }
    report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return report;
}

}  // namespace redisops
