#include "expire/node_expire.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "audit/idle.hpp"
#include "expire/undo_log.hpp"
#include "redis/cluster.hpp"
#include "redis/error_kind.hpp"
#include "redis/errors.hpp"
#include "redis/scan_cursor.hpp"
#include "stream/stop.hpp"
#include "util/pattern.hpp"
#include "util/random.hpp"
#include "util/text.hpp"

namespace redisops {

namespace {

/// How far a SCAN has come, 0..1. The cursor counts with its bits reversed (so that a table
/// resize keeps it valid), hence reversing them gives the share of buckets already visited,
/// whatever the table size.
double scan_fraction(std::string_view cursor) {
    uint64_t c = 0;
    std::from_chars(cursor.data(), cursor.data() + cursor.size(), c);
    if (c == 0) return 1;
    uint64_t r = 0;
    for (int i = 0; i < 64; ++i, c >>= 1) r = (r << 1) | (c & 1);
    return static_cast<double>(r) / 18446744073709551616.0;
}

std::mt19937_64 seeded_from_os() {
    std::string bytes = random_bytes(32);
    std::vector<uint32_t> words(8);
    std::memcpy(words.data(), bytes.data(), bytes.size());
    std::seed_seq seq(words.begin(), words.end());
    return std::mt19937_64(seq);
}

[[noreturn]] void reply_failed(std::string_view command, std::string_view key, const Reply& r) {
    ErrorKind kind = classify_error(r.error());
    std::string hint;
    // Redis < 7.0 knows neither PEXPIRETIME (unknown command) nor PEXPIREAT's NX/LT (syntax).
    if (kind == ErrorKind::UnknownCommand ||
        r.error().find("syntax error") != std::string_view::npos) {
        hint = " (expire needs Redis 7.0 or later: PEXPIRETIME and PEXPIREAT ... NX/LT)";
    }
    throw ReplyError(kind,
                     fmt::format("{} {}: {}{}", command, quote_if_needed(key), r.error(), hint));
}

}  // namespace

NodeExpire::NodeExpire(Connection& conn, const Client& client, const ExpireOptions& opts,
                       ExpireShared& shared, ExpireProgress& progress, NodeExpireResult& result)
    : conn_(conn),
      client_(client),
      opts_(opts),
      shared_(shared),
      progress_(progress),
      result_(result),
      throttle_(opts.rate),
      count_(throttled_page_size(opts.rate, opts.count)),
      // Cluster: ASKING before each per-key command. SCAN on a node importing a slot lists the
      // keys already moved there, which answer MOVED without it (as in scan-audit's walk).
      asking_(client.options().cluster),
      rng_(seeded_from_os()) {}

void NodeExpire::run() {
    for (size_t pass = 0; pass < opts_.match.size(); ++pass) {
        if (!walk_pass(opts_.match[pass], pass)) return;
    }
    result_.complete = true;
}

bool NodeExpire::stopping() const {
    return shared_.stop->requested() || shared_.limit_reached.load();
}

bool NodeExpire::excluded(std::string_view key) const {
    return std::any_of(opts_.exclude.begin(), opts_.exclude.end(),
                       [&](const std::string& g) { return glob_match(g, key); });
}

bool NodeExpire::walk_pass(const std::string& match, size_t pass) {
    ScanCursor cursor = ScanCursor::keys({match == "*" ? "" : match, opts_.type, count_});
    do {
        if (stopping()) return false;
        ScanPage page = cursor.next(conn_);
        std::vector<Key> keys;
        ExpireCounts& c = result_.counts;
        size_t fresh = 0;
        for (size_t i = 0; i < page.size(); ++i) {
            std::string_view name = page[i];
            // SCAN may return a key twice (a rehash); the fingerprint keeps counts exact and
            // spans the passes of several --match globs.
            if (!seen_.insert_key(name)) {
                ++c.duplicates;
                continue;
            }
            ++c.scanned;
            ++fresh;
            if (excluded(name)) {
                ++c.excluded;
                continue;
            }
            Key& k = keys.emplace_back();
            k.name = name;
        }
        throttle_.admit(fresh);
        if (!keys.empty()) apply(conn_, std::move(keys), 0);
        double share = (static_cast<double>(pass) + scan_fraction(cursor.position())) /
                       static_cast<double>(opts_.match.size());
        progress_.fraction.store(share, std::memory_order_relaxed);
        progress_.scanned.store(c.scanned, std::memory_order_relaxed);
        progress_.changed.store(opts_.dry_run ? c.would_change : c.changed,
                                std::memory_order_relaxed);
    } while (!cursor.done());
    return true;
}

void NodeExpire::read_facts(Connection& conn, std::vector<Key>& keys, long long& now_ms) {
    auto append_keyed = [&](const Args& argv) {
        if (asking_) conn.append({"ASKING"});
        conn.append(argv);
    };
    auto read_keyed = [&]() {
        if (asking_) {
            Reply ok = conn.read_reply();
            if (ok.is_error()) {
                throw ReplyError(classify_error(ok.error()), "ASKING: " + std::string(ok.error()));
            }
        }
        return conn.read_reply();
    };
    bool memory = opts_.dry_run && !result_.bytes_denied;
    conn.append({"TIME"});
    Args expiretime{"PEXPIRETIME", ""}, idletime{"OBJECT", "IDLETIME", ""},
        usage{"MEMORY", "USAGE", ""};
    for (const Key& k : keys) {
        expiretime[1] = idletime[2] = usage[2] = k.name;
        append_keyed(expiretime);
        if (opts_.idle_over) append_keyed(idletime);
        // The audit's MEMORY USAGE (default SAMPLES 5), so both report the same bytes.
        if (memory) append_keyed(usage);
    }
    conn.flush();
    Reply time = conn.read_reply();
    if (time.is_error()) {
        throw ReplyError(classify_error(time.error()), fmt::format("TIME: {}", time.error()));
    }
    now_ms = time[0].integer() * 1000 + time[1].integer() / 1000;
    for (Key& k : keys) {
        Reply exp = read_keyed();
        if (exp.is_error()) {
            if (auto rd = parse_redirect(exp.error())) {
                k.redirect = rd;
            } else {
                reply_failed("PEXPIRETIME", k.name, exp);
            }
        } else {
            k.expire_at = exp.integer();
        }
        if (opts_.idle_over) {
            Reply idle = read_keyed();
            if (!idle.is_error()) {
                if (!idle.is_nil()) k.idle_s = idle.integer();  // nil: the key is gone
            } else if (!k.redirect && !parse_redirect(idle.error())) {
                if (idle.error().find("LFU") != std::string_view::npos) {
                    throw UsageError(fmt::format(
                        "--idle-over: {} keeps no idle time under an LFU maxmemory-policy ({})",
                        conn.address().display(), idle.error()));
                }
                reply_failed("OBJECT IDLETIME", k.name, idle);
            }
        }
        if (memory) {
            Reply mem = read_keyed();
            if (mem.is_error()) {
                if (!parse_redirect(mem.error())) result_.bytes_denied = true;
            } else if (!mem.is_nil()) {
                k.bytes = static_cast<uint64_t>(mem.integer());
            }
        }
    }
}

long long NodeExpire::draw_ttl_ms() {
    long long ttl = opts_.ttl.count();
    if (opts_.jitter <= 0) return ttl;
    auto d = static_cast<double>(ttl);
    long long lo = std::max(1LL, std::llround(d * (1 - opts_.jitter)));
    long long hi = std::max(lo, std::llround(d * (1 + opts_.jitter)));
    return std::uniform_int_distribution<long long>(lo, hi)(rng_);
}

void NodeExpire::apply(Connection& conn, std::vector<Key> keys, int hops) {
    long long now_ms = 0;
    read_facts(conn, keys, now_ms);
    ExpireCounts& c = result_.counts;
    std::vector<Key> moved;
    std::vector<Key*> chosen;
    for (Key& k : keys) {
        if (k.redirect) {
            moved.push_back(std::move(k));
            continue;
        }
        if (k.expire_at == -2) {
            ++c.vanished;
            continue;
        }
        ++c.matched;
        k.new_expire_at = now_ms + draw_ttl_ms();
        // --shorten: only a TTL longer than the new one; never raises one.
        bool wanted = k.expire_at == -1 || (opts_.shorten && k.expire_at > k.new_expire_at);
        if (!wanted) {
            ++c.skipped_had_ttl;
        } else if (opts_.idle_over &&
                   (!k.idle_s || !idle_longer_than(*k.idle_s, opts_.idle_over->count()))) {
            ++c.skipped_not_idle;
        } else {
            chosen.push_back(&k);
        }
    }
    // --limit: take what the shared budget allows; the rest of this page is left alone.
    auto want = static_cast<long long>(chosen.size());
    long long left = shared_.budget.load();
    long long granted = 0;
    do {
        granted = std::min(left, want);
    } while (granted > 0 && !shared_.budget.compare_exchange_weak(left, left - granted));
    granted = std::max(0LL, granted);
    if (granted < want) {
        c.skipped_over_limit += static_cast<uint64_t>(want - granted);
        chosen.resize(static_cast<size_t>(granted));
        shared_.limit_reached = true;
    }

    if (opts_.dry_run) {
        for (Key* k : chosen) {
            ++c.would_change;
            result_.selected.add(k->name, k->bytes.value_or(0));
        }
    } else if (!chosen.empty()) {
        std::string node = conn.address().display();
        if (opts_.undo_log) {
            std::string lines;
            for (const Key* k : chosen) {
                UndoRecord r{k->name, node,
                             k->expire_at < 0 ? -1 : std::max(0LL, k->expire_at - now_ms),
                             k->expire_at, k->new_expire_at};
                lines += undo_line(r);
            }
            opts_.undo_log->append(lines);  // on disk before any of these is sent
        }
        Args nx{"PEXPIREAT", "", "", "NX"}, lt{"PEXPIREAT", "", "", "LT"};
        for (const Key* k : chosen) {
            Args& argv = k->expire_at == -1 ? nx : lt;
            argv[1] = k->name;
            argv[2] = std::to_string(k->new_expire_at);
            if (asking_) conn.append({"ASKING"});
            conn.append(argv);
        }
        conn.flush();
        for (Key* k : chosen) {
            if (asking_) {
                Reply ok = conn.read_reply();
                if (ok.is_error()) {
                    throw ReplyError(classify_error(ok.error()),
                                     "ASKING: " + std::string(ok.error()));
                }
            }
            Reply r = conn.read_reply();
            if (r.is_error()) {
                auto rd = parse_redirect(r.error());
                if (!rd) reply_failed("PEXPIREAT", k->name, r);
                // Not run: the slot moved between the read and the write. Read it again there
                // (its undo line stays, and undo will find that expiry was never set).
                shared_.budget.fetch_add(1);
                --c.matched;
                k->redirect = rd;
                moved.push_back(std::move(*k));
                continue;
            }
            result_.selected.add(k->name, 0);
            if (r.integer() == 1) {
                ++c.changed;
                result_.changed.add(k->name, 0);
            } else {
                // NX: a TTL was set since the read; LT: it got shorter; or the key is gone.
                ++c.skipped_changed_meanwhile;
                shared_.budget.fetch_add(1);
            }
        }
    }
    if (shared_.budget.load() <= 0) shared_.limit_reached = true;
    if (!moved.empty()) follow(moved, hops + 1);
}

void NodeExpire::follow(std::vector<Key>& keys, int hops) {
    if (hops > ClusterRouter::kMaxRedirects) {
        throw ConnectionError(fmt::format("Redis Cluster: gave up after {} redirects for {}",
                                          ClusterRouter::kMaxRedirects,
                                          quote_if_needed(keys.front().name)));
    }
    std::map<std::string, std::pair<ServerAddress, std::vector<Key>>> by_target;
    for (Key& k : keys) {
        ++result_.counts.redirected;
        ServerAddress target = k.redirect->target;
        k.redirect.reset();
        k.expire_at = -1;
        k.idle_s.reset();
        k.bytes.reset();
        auto& entry = by_target[target.display()];
        entry.first = target;
        entry.second.push_back(std::move(k));
    }
    // ASK and MOVED alike: read the key again where it lives now, with ASKING (asking_ is
    // always on in a cluster), which an importing node needs and an owner ignores.
    for (auto& [at, entry] : by_target) {
        auto it = others_.find(at);
        if (it != others_.end() && it->second.broken()) {
            others_.erase(it);
            it = others_.end();
        }
        if (it == others_.end()) {
            it = others_.emplace(at, client_.open_connection(entry.first)).first;
        }
        apply(it->second, std::move(entry.second), hops);
    }
}

}  // namespace redisops
