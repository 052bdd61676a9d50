#include "audit/walk.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <thread>

#include "redis/errors.hpp"
#include "redis/scan_cursor.hpp"
#include "util/pattern.hpp"
#include "util/text.hpp"
#include "util/throttle.hpp"

namespace redisops {

namespace {

const Args kAsking{"ASKING"};

using Clock = std::chrono::steady_clock;

/// The O(1) length command for a type; nullptr for types without one (modules).
const char* length_command(std::string_view type) {
    auto command = kKeyTypes.find(type);
    return command ? command->data() : nullptr;  // the table's literals end in NUL
}

/// The new keys of one SCAN page and, once their replies arrive, what they look like.
struct Batch {
    std::vector<std::string> keys;
    std::vector<std::string> types;
    std::vector<long long> pttl;
    std::vector<uint64_t> bytes;
    std::vector<std::optional<uint64_t>> idle;
    std::vector<bool> gone;
    std::vector<std::optional<uint64_t>> elements;
    std::vector<size_t> length_asked;  // indexes of keys whose length command was sent
    bool memory_asked = true;          // MEMORY USAGE sent for each key
};

enum class Expect { ScanPage, Facts, Lengths };

/// One pipelined request whose replies are still in the connection, in send order.
struct InFlight {
    Expect kind;
    std::shared_ptr<Batch> batch;
    Clock::time_point sent;
};

[[noreturn]] void reply_failed(std::string_view command, std::string_view key, const Reply& r) {
    throw ReplyError(classify_error(r.error()),
                     fmt::format("{} {}: {}", command, quote_if_needed(key), r.error()));
}

class Walk {
  public:
    Walk(Connection& conn, const WalkOptions& opts, WalkProgress& progress, WalkResult& result)
        : conn_(conn),
          opts_(opts),
          progress_(progress),
          result_(result),
          seen_(opts.expected_keys + opts.expected_keys / 8),
          throttle_(opts.rate),
          cursor_(ScanCursor::keys(
              {opts.match, opts.type, throttled_page_size(opts.rate, opts.count)})) {}

    void run() {
        send_scan();
        conn_.flush();
        while (!queue_.empty()) {
            InFlight f = std::move(queue_.front());
            queue_.pop_front();
            switch (f.kind) {
                case Expect::ScanPage:
                    on_scan_page();
                    break;
                case Expect::Facts:
                    on_facts(*f.batch, f.batch);
                    break;
                case Expect::Lengths:
                    on_lengths(*f.batch);
                    break;
            }
            auto took =
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - f.sent);
            result_.longest_call = std::max(result_.longest_call, took);
        }
        result_.complete = true;
    }

  private:
    void send_scan() {
        conn_.append(cursor_.request());
        queue_.push_back({Expect::ScanPage, nullptr, Clock::now()});
        ++result_.scan_calls;
    }

    void on_scan_page() {
        ScanPage page = cursor_.accept(conn_.read_reply());
        auto batch = std::make_shared<Batch>();
        for (size_t i = 0; i < page.size(); ++i) {
            std::string_view key = page[i];
            // SCAN guarantees every key present for the whole walk is returned at least once,
            // but a rehash can return one several times: the fingerprint keeps the count exact.
            if (!seen_.insert_key(key)) {
                ++result_.duplicates;
                continue;
            }
            batch->keys.emplace_back(key);
        }
        throttle_.admit(batch->keys.size());
        // The next SCAN goes out before this page's commands, so its reply comes back first and
        // the following page can be queued while this one's replies are still being read.
        // (An empty page with a non-zero cursor is normal: keep going.)
        if (!cursor_.done()) send_scan();
        if (!batch->keys.empty()) send_facts(batch);
        conn_.flush();
    }

    // TYPE, PTTL and MEMORY USAGE look keys up without touching their LRU/LFU. MEMORY USAGE
    // keeps its default SAMPLES 5: nested aggregates are estimated from 5 elements, O(1) per
    // key, where SAMPLES 0 would walk every element of a huge hash.
    /// A per-key command, behind ASKING on a cluster (see WalkOptions::asking).
    void append_keyed(const Args& argv) {
        if (opts_.asking) conn_.append(kAsking);
        conn_.append(argv);
    }

    /// The reply to a per-key command, after dropping the +OK of its ASKING.
    Reply read_keyed() {
        if (opts_.asking) {
            Reply ok = conn_.read_reply();
            if (ok.is_error()) {
                throw ReplyError(classify_error(ok.error()), "ASKING: " + std::string(ok.error()));
            }
        }
        return conn_.read_reply();
    }

    void send_facts(const std::shared_ptr<Batch>& batch) {
        // Three argv vectors reused for every key: a million keys, three million commands.
        Args type{"TYPE", ""}, pttl{"PTTL", ""}, memory{"MEMORY", "USAGE", ""};
        // OBJECT IDLETIME and OBJECT FREQ look the key up with LOOKUP_NOTOUCH as well.
        Args idle{"OBJECT", opts_.idle_read == IdleRead::Freq ? "FREQ" : "IDLETIME", ""};
        batch->memory_asked = result_.memory_unavailable.empty();
        for (const auto& key : batch->keys) {
            type[1] = pttl[1] = memory[2] = idle[2] = key;
            if (opts_.type.empty()) append_keyed(type);
            append_keyed(pttl);
            if (batch->memory_asked) append_keyed(memory);
            if (opts_.idle_read != IdleRead::None) append_keyed(idle);
        }
        queue_.push_back({Expect::Facts, batch, Clock::now()});
    }

    void on_facts(Batch& b, const std::shared_ptr<Batch>& self) {
        size_t n = b.keys.size();
        b.types.resize(n);
        b.pttl.resize(n);
        b.bytes.resize(n);
        b.idle.resize(n);
        b.gone.resize(n);
        b.elements.resize(n);
        for (size_t i = 0; i < n; ++i) {
            const std::string& key = b.keys[i];
            if (opts_.type.empty()) {
                Reply t = read_keyed();
                if (t.is_error()) reply_failed("TYPE", key, t);
                b.types[i] = t.str();
            } else {
                b.types[i] = opts_.type;
            }
            Reply ttl = read_keyed();
            if (ttl.is_error()) reply_failed("PTTL", key, ttl);
            std::optional<Reply> mem;
            if (b.memory_asked) mem = read_keyed();
            if (mem && mem->is_error()) {
                // An ACL without MEMORY, or MEMORY renamed away: the audit goes on without
                // sizes (reported as unavailable, never as zero) and stops asking.
                if (!is_denied(classify_error(mem->error())))
                    reply_failed("MEMORY USAGE", key, *mem);
                if (result_.memory_unavailable.empty()) result_.memory_unavailable = mem->error();
                mem.reset();
            }
            if (opts_.idle_read != IdleRead::None) read_idle(b, i);
            b.pttl[i] = ttl.integer();
            // Deleted or expired between SCAN and now: not part of the keyspace any more.
            b.gone[i] = b.types[i] == "none" || b.pttl[i] == -2 || (mem && mem->is_nil());
            b.bytes[i] = !mem || mem->is_nil() ? 0 : static_cast<uint64_t>(mem->integer());
        }
        // --policy: element counts only for the keys whose rule has a max_elements.
        const Policy* policy = result_.tally.limits.policy.get();
        if (policy && !policy->uses_elements()) policy = nullptr;
        if (!opts_.element_counts && !policy) return finish(b);
        for (size_t i = 0; i < n; ++i) {
            if (b.gone[i]) continue;
            if (!opts_.element_counts && !policy->needs_elements(b.keys[i], b.types[i])) continue;
            if (const char* cmd = length_command(b.types[i])) {
                append_keyed({cmd, b.keys[i]});
                b.length_asked.push_back(i);
            }
        }
        if (b.length_asked.empty()) return finish(b);
        queue_.push_back({Expect::Lengths, self, Clock::now()});
        conn_.flush();
    }

    /// An error (an LFU policy refusing IDLETIME, a server without OBJECT FREQ) leaves the key
    /// without an idle time and is reported once; it does not stop the walk.
    void read_idle(Batch& b, size_t i) {
        Reply r = read_keyed();
        if (r.is_error()) {
            if (result_.idle_refused.empty()) result_.idle_refused = r.error();
        } else if (!r.is_nil()) {
            b.idle[i] = static_cast<uint64_t>(std::max<long long>(0, r.integer()));
        }
    }

    void on_lengths(Batch& b) {
        for (size_t i : b.length_asked) {
            Reply r = read_keyed();
            if (r.is_error()) {
                // WRONGTYPE: the key was replaced by another type since TYPE; no count for it.
                if (classify_error(r.error()) == ErrorKind::WrongType) continue;
                reply_failed(length_command(b.types[i]), b.keys[i], r);
            }
            b.elements[i] = static_cast<uint64_t>(r.integer());
        }
        finish(b);
    }

    void finish(Batch& b) {
        for (size_t i = 0; i < b.keys.size(); ++i) {
            if (b.gone[i]) {
                ++result_.vanished;
                continue;
            }
            KeyFacts k{b.keys[i], b.types[i], b.pttl[i], b.bytes[i], b.elements[i], {}, {}};
            if (opts_.idle_read == IdleRead::IdleTime) k.idle_s = b.idle[i];
            if (opts_.idle_read == IdleRead::Freq) k.freq = b.idle[i];
            result_.tally.add(k, ignored(k.key));
        }
        progress_.keys.store(result_.tally.keys, std::memory_order_relaxed);
    }

    bool ignored(std::string_view key) const {
        return std::any_of(opts_.ignore.begin(), opts_.ignore.end(),
                           [&](const std::string& g) { return glob_match(g, key); });
    }

    Connection& conn_;
    const WalkOptions& opts_;
    WalkProgress& progress_;
    WalkResult& result_;
    FingerprintSet seen_;
    RateThrottle throttle_;
    ScanCursor cursor_;
    std::deque<InFlight> queue_;
};

}  // namespace

void walk_keyspace(Connection& conn, const WalkOptions& opts, WalkProgress& progress,
                   WalkResult& result) {
    auto started = Clock::now();
    try {
        if (opts.element_counts) {
            // Length commands touch LRU/LFU; CLIENT NO-TOUCH (Redis 7.2+) stops that.
            Reply r = conn.command_unchecked({"CLIENT", "NO-TOUCH", "ON"});
            result.no_touch = !r.is_error();
            if (r.is_error()) result.no_touch_error = r.error();
        }
        Walk(conn, opts, progress, result).run();
    } catch (const ConnectionError& e) {
        result.complete = false;
        result.error = e.what();
    }
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    progress.done = true;
}

}  // namespace redisops
