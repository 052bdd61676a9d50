#include "session/user_sessions.hpp"

#include <algorithm>

#include "session/session_stats.hpp"
#include "session/session_store.hpp"
#include "session/spring_session.hpp"

namespace redisops {

std::vector<LayoutKind> concrete_layouts(LayoutKind kind) {
    if (kind != LayoutKind::Auto) return {kind};
    return {LayoutKind::RedisOps, LayoutKind::Spring, LayoutKind::ConnectRedis};
}

AclRules session_acl(const SessionLayout& layout) {
    AclRules rules;
    auto add_key = [&](std::string glob) {
        if (std::find(rules.keys.begin(), rules.keys.end(), glob) == rules.keys.end()) {
            rules.keys.push_back(std::move(glob));
        }
    };
    for (LayoutKind kind : concrete_layouts(layout.kind)) {
        switch (kind) {
            case LayoutKind::Spring:
                add_key(prefix_glob(layout.spring_namespace + ":"));
                rules.add_commands(kSpringSessionCommands);
                break;
            case LayoutKind::ConnectRedis:
                add_key(prefix_glob(layout.prefix_for(kind)));
                rules.add_commands(kConnectSessionCommands);
                break;
            default:
                add_key(prefix_glob(layout.prefix_for(kind)));
                add_key(prefix_glob(layout.index_prefix));
                // destroy-all's tombstone: same_slot_key(index, ":destroying:…").
                add_key("{" + prefix_glob(layout.index_prefix) + "}:*");
                rules.add_commands(kSessionCommands);
                break;
        }
    }
    rules.add_commands(kSessionStatsCommands);
    return rules;
}

std::vector<SessionListing> list_user_sessions(Client& client, const SessionLayout& layout,
                                               std::string_view user, const SessionScan& scan) {
    std::vector<SessionListing> out;
    for (LayoutKind kind : concrete_layouts(layout.kind)) {
        SessionLayout as = layout;
        as.kind = kind;
        switch (kind) {
            case LayoutKind::Spring:
                out.push_back(spring_list(client, as, user));
                break;
            case LayoutKind::ConnectRedis:
                out.push_back(connect_list(client, as, user, scan));
                break;
            default:
                out.push_back(list_sessions(client, as, user));
                break;
        }
        out.back().layout = kind;
    }
    return out;
}

std::vector<DestroyAllResult> destroy_user_sessions(Client& client, const SessionLayout& layout,
                                                    std::string_view user,
                                                    const SessionScan& scan) {
    std::vector<DestroyAllResult> out;
    for (LayoutKind kind : concrete_layouts(layout.kind)) {
        SessionLayout as = layout;
        as.kind = kind;
        switch (kind) {
            case LayoutKind::Spring:
                out.push_back(spring_destroy_all(client, as, user));
                break;
            case LayoutKind::ConnectRedis:
                out.push_back(connect_destroy_all(client, as, user, scan));
                break;
            default:
                out.push_back(destroy_all_sessions(client, as, user));
                break;
        }
        out.back().layout = kind;
    }
    return out;
}

}  // namespace redisops
