// `redis-ops session stats`: prints what src/session/session_stats counted, as JSON or tables.
#include "session_stats_output.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace redisops {
namespace {

std::string bucket_label(size_t i) {
    static const char* labels[] = {"<1m", "<1h", "<1d", "<7d", "<30d", "<90d", "<365d", ">=365d"};
    return labels[i];
}

}  // namespace

int print_session_stats(Context& ctx, const SessionStats& st, LayoutKind layout, size_t top_n) {
    auto top = st.top_users(top_n);
    if (ctx.global.json) {
        nlohmann::ordered_json buckets = nlohmann::ordered_json::array();
        for (size_t i = 0; i < st.ttl_buckets.size(); ++i) {
            buckets.push_back({{"bucket", bucket_label(i)},
                               {"max_ms", i < kTtlBucketBounds.size()
                                              ? nlohmann::ordered_json(kTtlBucketBounds[i])
                                              : nlohmann::ordered_json(nullptr)},
                               {"sessions", st.ttl_buckets[i]}});
        }
        nlohmann::ordered_json layouts = nlohmann::ordered_json::object();
        for (const auto& [k, n] : st.by_layout) layouts[std::string(layout_name(k))] = n;
        nlohmann::ordered_json users = nlohmann::ordered_json::array();
        for (const auto& [u, n] : top)
            users.push_back({{"user_id", to_json_text(u)}, {"sessions", n}});
        nlohmann::ordered_json matches = nlohmann::ordered_json::array();
        for (const auto& m : st.matches) matches.push_back(to_json_text(m));
        ctx.out(dump_ordered_json({{"layout", std::string(layout_name(layout))},
                                   {"complete", true},
                                   {"keys_scanned", st.keys_scanned},
                                   {"sessions", st.sessions},
                                   {"no_ttl", st.no_ttl},
                                   {"not_sessions", st.not_sessions},
                                   {"by_layout", std::move(layouts)},
                                   {"ttl_buckets", std::move(buckets)},
                                   {"users", st.users.size()},
                                   {"users_capped", st.other_user_sessions > 0},
                                   {"sessions_without_user", st.sessions_without_user},
                                   {"other_user_sessions", st.other_user_sessions},
                                   {"top_users", std::move(users)},
                                   {"matches", std::move(matches)},
                                   {"nodes", st.nodes}}) +
                "\n");
        return kExitOk;
    }
    std::string out =
        fmt::format("{} ({} without TTL) in {} scanned keys\n",
                    fmt::format("{} {}", st.sessions, st.sessions == 1 ? "session" : "sessions"),
                    st.no_ttl, st.keys_scanned);
    for (const auto& [k, n] : st.by_layout) out += fmt::format("  {}: {}\n", layout_name(k), n);
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"no TTL", std::to_string(st.no_ttl)});
    for (size_t i = 0; i < st.ttl_buckets.size(); ++i) {
        rows.push_back({bucket_label(i), std::to_string(st.ttl_buckets[i])});
    }
    out += "\n" + render_table(ctx.style(), {"TTL", "SESSIONS"}, rows);
    if (!top.empty()) {
        rows.clear();
        for (const auto& [u, n] : top) rows.push_back({quote_if_needed(u), std::to_string(n)});
        out += "\n" + render_table(ctx.style(), {"USER", "SESSIONS"}, rows);
    }
    if (st.other_user_sessions) {
        out += fmt::format("{} sessions of users beyond the first {} are counted as other\n",
                           st.other_user_sessions, kMaxTrackedUsers);
    }
    ctx.out(out);
    return kExitOk;
}

}  // namespace redisops
