#include "session/session_stats.hpp"

#include <algorithm>

#include "redis/prefix_scan.hpp"
#include "session/session_record.hpp"
#include "session/spring_value.hpp"
#include "session/user_sessions.hpp"

namespace redisops {

void SessionStats::add(LayoutKind layout, long long pttl, const std::optional<std::string>& user) {
    ++sessions;
    auto it = std::find_if(by_layout.begin(), by_layout.end(),
                           [&](const auto& p) { return p.first == layout; });
    if (it == by_layout.end()) {
        by_layout.emplace_back(layout, 1);
    } else {
        ++it->second;
    }
    if (pttl < 0) {
        ++no_ttl;
    } else {
        size_t b = 0;
        while (b < kTtlBucketBounds.size() && pttl >= kTtlBucketBounds[b]) ++b;
        ++ttl_buckets[b];
    }
    if (!user) {
        ++sessions_without_user;
    } else if (auto u = users.find(*user); u != users.end()) {
        ++u->second;
    } else if (users.size() < kMaxTrackedUsers) {
        users.emplace(*user, 1);
    } else {
        ++other_user_sessions;
    }
}

std::vector<std::pair<std::string, uint64_t>> SessionStats::top_users(size_t n) const {
    std::vector<std::pair<std::string, uint64_t>> all(users.begin(), users.end());
    auto by_count = [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    n = std::min(n, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                      by_count);
    all.resize(n);
    return all;
}

namespace {

std::string scan_prefix_of(const SessionLayout& layout, LayoutKind kind) {
    if (kind == LayoutKind::Spring) return layout.spring_sessions_prefix();
    return layout.prefix_for(kind);
}

/// One key's verdict from PTTL, GET and HMGET user_id creationTime <principal attribute>.
void tally_key(SessionStats& st, const SessionLayout& layout, LayoutKind kind, const Reply* r) {
    long long pttl = r[0].is_error() ? -2 : r[0].integer();
    if (pttl == -2) return;  // gone since SCAN
    if (!r[1].is_error()) {
        if (!r[1].view().is_string()) return;
        Session s;
        if (kind == LayoutKind::Spring ||
            !decode_json_session(r[1].str(), s, kind == LayoutKind::Auto ? LayoutKind::Auto : kind,
                                 layout.user_field)) {
            ++st.not_sessions;
            return;
        }
        st.add(s.layout, pttl, s.user_id);
        return;
    }
    if (r[2].is_error()) {  // neither a string nor a hash
        ++st.not_sessions;
        return;
    }
    ReplyView f = r[2].view();
    bool spring = !f[1].is_nil() || !f[2].is_nil();
    if (kind == LayoutKind::ConnectRedis || (kind == LayoutKind::Spring && !spring) ||
        (kind == LayoutKind::RedisOps && spring && f[0].is_nil())) {
        ++st.not_sessions;
        return;
    }
    if (spring) {
        std::optional<std::string> user;
        if (!f[2].is_nil()) user = spring_string(f[2].str());
        st.add(LayoutKind::Spring, pttl, user);
    } else {
        std::optional<std::string> user;
        if (!f[0].is_nil()) user = std::string(f[0].str());
        st.add(LayoutKind::RedisOps, pttl, user);
    }
}

}  // namespace

SessionStats session_stats(Client& client, const SessionLayout& layout, const SessionScan& scan) {
    SessionStats st;
    const std::string principal = "sessionAttr:" + std::string(kSpringPrincipalIndex);
    const std::string spring_expires = layout.spring_sessions_prefix() + "expires:";
    uint64_t before = 0;
    std::vector<std::string> prefixes;
    for (LayoutKind kind : concrete_layouts(layout.kind)) {
        // Auto reads each key for what it is; a named layout counts only its own shape.
        LayoutKind read_as = layout.kind == LayoutKind::Auto ? LayoutKind::Auto : kind;
        std::string prefix = scan_prefix_of(layout, kind);
        // --prefix with auto names one prefix for redis-ops and connect-redis: scan it once.
        if (std::find(prefixes.begin(), prefixes.end(), prefix) != prefixes.end()) continue;
        prefixes.push_back(prefix);
        PrefixScanOptions opts{
            prefix,
            scan.rate,
            1000,
            {{"PTTL", ""}, {"GET", ""}, {"HMGET", "", "user_id", "creationTime", principal}}};
        PrefixScanResult r = scan_prefix(
            client, opts,
            [&](const PrefixPage& page) {
                for (size_t i = 0; i < page.keys.size(); ++i) {
                    const std::string& key = page.keys[i];
                    // Companion keys that share a session prefix are not sessions.
                    if (key.starts_with(spring_expires)) continue;
                    if (kind == LayoutKind::RedisOps && key.starts_with(layout.index_prefix)) {
                        continue;
                    }
                    ++st.keys_scanned;
                    tally_key(st, layout, read_as, &page.replies[3 * i]);
                }
            },
            [&](uint64_t n) {
                if (scan.progress) scan.progress(before + n);
            });
        before += r.keys;
        st.matches.push_back(r.match);
        st.nodes = r.nodes;
    }
    return st;
}

}  // namespace redisops
