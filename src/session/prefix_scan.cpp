#include "session/prefix_scan.hpp"

#include <fmt/format.h>

#include "audit/fingerprint_set.hpp"
#include "redis/errors.hpp"
#include "util/pattern.hpp"
#include "util/throttle.hpp"

namespace redisops {

PrefixScanResult scan_prefix(Client& client, const PrefixScanOptions& opts,
                             const std::function<void(const PrefixPage&)>& page,
                             const std::function<void(uint64_t)>& progress) {
    PrefixScanResult out;
    out.match = glob_literal(opts.prefix) + "*";
    RateThrottle throttle(opts.rate);
    const std::string count = std::to_string(throttled_page_size(opts.rate, opts.count));
    // SCAN may return a key twice (a rehash during the walk): a 64-bit fingerprint per key
    // keeps each counted once, the only per-key memory of the walk.
    FingerprintSet seen;
    for (const ServerAddress& addr : client.masters()) {
        Connection& conn = client.connection_to(addr);
        ++out.nodes;
        std::vector<std::string> keys;
        std::vector<Reply> replies;
        std::vector<Args> cmds = opts.per_key;
        std::string cursor = "0";
        do {
            Reply r = conn.command_unchecked({"SCAN", cursor, "MATCH", out.match, "COUNT", count});
            if (r.is_error()) throw ReplyError(fmt::format("SCAN: {}", r.error()));
            cursor = std::string(r[0].str());
            keys.clear();
            ReplyView found = r[1];
            for (size_t i = 0; i < found.size(); ++i) {
                std::string_view key = found[i].str();
                if (seen.insert_key(key)) keys.emplace_back(key);
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
            if (!keys.empty()) {
                out.keys += keys.size();
                // The page may send follow-up commands on `conn`: nothing else is in flight.
                page(PrefixPage{conn, keys, replies});
                if (progress) progress(out.keys);
            }
        } while (cursor != "0");
    }
    return out;
}

}  // namespace redisops
