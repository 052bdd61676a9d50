#include "session/session_layout.hpp"

namespace redisops {

std::string SessionLayout::prefix_for(LayoutKind k) const {
    if (prefix) return *prefix;
    return k == LayoutKind::ConnectRedis ? "sess:" : "session:";
}

}  // namespace redisops
