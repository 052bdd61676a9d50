#include "session/connect_session.hpp"

#include <algorithm>
#include <unordered_set>

#include "redis/prefix_scan.hpp"
#include "session/session_field.hpp"

namespace redisops {
namespace {

/// Calls `match` for each session under the prefix owned by `user`, with the node it is on.
/// Decoding costs far more than reading, so a value that cannot hold the user's id (neither
/// the id's text nor a JSON escape appears in it) is skipped without parsing.
template <typename F>
PrefixScanResult scan_user_sessions(Client& client, const SessionLayout& layout,
                                    std::string_view user, const SessionScan& scan, F&& match) {
    SessionLayout as_connect = layout;
    as_connect.kind = LayoutKind::ConnectRedis;
    const std::string prefix = layout.prefix_for(LayoutKind::ConnectRedis);
    PrefixScanOptions opts{prefix, scan.rate, 1000, {{"GET", ""}}};
    return scan_prefix(
        client, opts,
        [&](const PrefixPage& page) {
            for (size_t i = 0; i < page.keys.size(); ++i) {
                const Reply& value = page.replies[i];
                if (!value.view().is_string()) continue;  // gone, or a hash/list: not ours
                std::string_view text = value.str();
                if (text.find(user) == std::string_view::npos &&
                    text.find('\\') == std::string_view::npos) {
                    continue;
                }
                const std::string& key = page.keys[i];
                Session s;
                s.id = key.substr(prefix.size());
                s.key = key;
                s.format = SessionFormat::Json;
                if (!decode_json_session(text, s, LayoutKind::ConnectRedis, layout.user_field)) {
                    continue;
                }
                if (s.user_id != user) continue;
                match(page.conn, std::move(s));
            }
        },
        scan.progress);
}

}  // namespace

std::chrono::seconds connect_touch_ttl(const Session& s,
                                       std::optional<std::chrono::milliseconds> ttl) {
    long long ms = ttl ? ttl->count() : s.max_age_ms.value_or(86400 * 1000LL);
    return std::chrono::seconds((ms + 999) / 1000);
}

std::optional<std::chrono::milliseconds> connect_touch(
    Client& client, const Session& s, std::optional<std::chrono::milliseconds> ttl) {
    std::chrono::seconds secs = connect_touch_ttl(s, ttl);
    if (client.command_for_key(s.key, {"EXPIRE", s.key, std::to_string(secs.count())}).integer() ==
        0) {
        return std::nullopt;
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(secs);
}

SessionListing connect_list(Client& client, const SessionLayout& layout, std::string_view user,
                            const SessionScan& scan) {
    check_identifier(user, "--user-id");
    SessionListing out;
    PrefixScanResult r =
        scan_user_sessions(client, layout, user, scan, [&](Connection& conn, Session s) {
            s.ttl_ms.reset();
            Reply pttl = conn.command({"PTTL", s.key});
            if (pttl.integer() == -2) return;  // expired since the GET
            if (pttl.integer() >= 0) s.ttl_ms = pttl.integer();
            out.sessions.push_back(std::move(s));
        });
    out.scanned = r.keys;
    out.scanned_match = r.match;
    out.scanned_nodes = r.nodes;
    std::sort(out.sessions.begin(), out.sessions.end(),
              [](const Session& a, const Session& b) { return a.id < b.id; });
    return out;
}

DestroyAllResult connect_destroy_all(Client& client, const SessionLayout& layout,
                                     std::string_view user, const SessionScan& scan) {
    check_identifier(user, "--user-id");
    DestroyAllResult out;
    PrefixScanResult r =
        scan_user_sessions(client, layout, user, scan, [&](Connection& conn, const Session& s) {
            ++out.index_entries;
            out.destroyed += static_cast<size_t>(conn.command({"UNLINK", s.key}).integer());
        });
    out.scanned = r.keys;
    out.scanned_match = r.match;
    out.scanned_nodes = r.nodes;
    return out;
}

}  // namespace redisops
