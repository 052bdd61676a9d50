#include "session/user_sessions.hpp"

#include "session/spring_session.hpp"

namespace redisops {

std::vector<LayoutKind> concrete_layouts(LayoutKind kind) {
    if (kind != LayoutKind::Auto) return {kind};
    return {LayoutKind::RedisOps, LayoutKind::Spring, LayoutKind::ConnectRedis};
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
