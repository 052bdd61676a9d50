#include "redis/prefix_scan.hpp"

#include "redis/error_kind.hpp"
#include "redis/node_walk.hpp"
#include "redis/scan_cursor.hpp"
#include "util/fingerprint_set.hpp"
#include "util/pattern.hpp"
#include "util/throttle.hpp"

namespace redisops {

PrefixScanResult scan_prefix(Client& client, const PrefixScanOptions& opts,
                             const std::function<void(const PrefixPage&)>& page,
                             const std::function<void(uint64_t)>& progress) {
    PrefixScanResult out;
    out.match = glob_literal(opts.prefix) + opts.match;
    RateThrottle throttle(opts.rate);
    const size_t page_size = throttled_page_size(opts.rate, opts.count);
    // SCAN may return a key twice (a rehash during the walk): a 64-bit fingerprint per key
    // keeps each counted once, the only per-key memory of the walk.
    FingerprintSet seen;
    std::vector<std::string> keys;
    std::vector<Reply> replies;
    std::vector<Args> cmds = opts.per_key;
    for_each_master(client, [&](Connection& conn) {
        ++out.nodes;
        ScanCursor cursor = ScanCursor::keys({out.match, "", page_size});
        do {
            ScanPage found = cursor.next(conn);
            keys.clear();
            for (size_t i = 0; i < found.size(); ++i) {
                if (seen.insert_key(found[i])) keys.emplace_back(found[i]);
            }
            throttle.admit(keys.size());
            for (const auto& key : keys) {
                for (Args& cmd : cmds) {
                    cmd[1] = key;
                    conn.append(cmd);
                }
            }
            conn.flush();
            replies.clear();
            replies.reserve(keys.size() * cmds.size());
            for (size_t i = 0; i < keys.size() * cmds.size(); ++i) {
                replies.push_back(conn.read_reply());
            }
            // WRONGTYPE is an answer (it tells a hash from a string); any other error (NOPERM
            // for a command the ACL denies, OOM …) would silently make keys look like
            // something else, so it fails the walk, once every reply of the page is read.
            for (const Reply& r : replies) {
                if (r.is_error() && classify_error(r.error()) != ErrorKind::WrongType) r.check();
            }
            if (!keys.empty()) {
                out.keys += keys.size();
                // The page may send follow-up commands on `conn`: nothing else is in flight.
                page(PrefixPage{conn, keys, replies});
                if (progress) progress(out.keys);
            }
        } while (!cursor.done());
    });
    return out;
}

}  // namespace redisops
