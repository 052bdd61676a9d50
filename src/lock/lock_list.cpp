#include "lock/lock_list.hpp"

#include <algorithm>

#include "lock/lease.hpp"
#include "redis/prefix_scan.hpp"
#include "redis/slot.hpp"
#include "util/errors.hpp"

namespace redisops {

bool is_lock_companion(std::string_view key) {
    for (std::string_view suffix : {std::string_view(":fence"), std::string_view(":holder")}) {
        if (!key.ends_with(suffix)) continue;
        std::string_view base = key.substr(0, key.size() - suffix.size());
        // "{K}:suffix" is K's companion; a K with a hash tag keeps it: "K:suffix".
        if (base.size() >= 2 && base.front() == '{' && base.back() == '}' &&
            same_slot_key(base.substr(1, base.size() - 2), suffix) == key) {
            return true;
        }
        if (same_slot_key(base, suffix) == key) return true;
    }
    return false;
}

LockListing list_locks(Client& client, const LockListOptions& opts) {
    if (opts.prefix.empty() && (opts.match.empty() || opts.match == "*")) {
        throw UsageError(
            "lock list --prefix '': the bare keyspace is not a set of locks; name them with "
            "--match GLOB");
    }
    LockListing out;
    PrefixScanOptions scan;
    scan.prefix = opts.prefix;
    scan.match = opts.match.empty() ? "*" : opts.match;
    scan.per_key = {{"GET", ""}, {"PTTL", ""}};
    scan.rate = opts.rate;
    std::vector<size_t> held;
    PrefixScanResult r = scan_prefix(
        client, scan,
        [&](const PrefixPage& page) {
            held.clear();
            for (size_t i = 0; i < page.keys.size(); ++i) {
                // A key of another type (WRONGTYPE) is not a lock; nor is one gone meanwhile.
                if (!page.replies[2 * i].view().is_string() || is_lock_companion(page.keys[i]))
                    continue;
                held.push_back(i);
            }
            if (held.empty()) return;
            // The companions share each lock's slot, so they live on this node too.
            for (size_t i : held) {
                LockKeys k = LockKeys::make(page.keys[i].substr(opts.prefix.size()), opts.prefix);
                page.conn.append({"GET", k.fence_key});
                page.conn.append({"HGETALL", k.holder_key});
            }
            page.conn.append({"TIME"});
            page.conn.flush();
            std::vector<Reply> more;
            for (size_t n = 0; n < held.size() * 2 + 1; ++n) more.push_back(page.conn.read_reply());
            const long long now_ms = server_time_ms(more.back());
            for (size_t j = 0; j < held.size(); ++j) {
                const size_t i = held[j];
                ListedLock l;
                l.key = page.keys[i];
                l.name = l.key.substr(opts.prefix.size());
                if (long long pttl = page.replies[2 * i + 1].integer(); pttl >= 0) {
                    l.ttl = std::chrono::milliseconds(pttl);
                }
                if (more[2 * j].view().is_string()) l.fence = more[2 * j].opt_integer().value_or(0);
                l.holder = parse_holder(more[2 * j + 1]);
                l.server_now_ms = now_ms;
                out.locks.push_back(std::move(l));
            }
        },
        opts.progress);
    out.keys_scanned = r.keys;
    out.nodes = r.nodes;
    std::sort(out.locks.begin(), out.locks.end(),
              [](const ListedLock& a, const ListedLock& b) { return a.key < b.key; });
    return out;
}

}  // namespace redisops
