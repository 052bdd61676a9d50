// --idle-over, shared by scan-audit and expire so that both select the same keys for the same D.
#pragma once

namespace redisops {

/// OBJECT IDLETIME counts whole seconds: a key is idle over D when idle seconds x 1000 > D ms.
constexpr bool idle_longer_than(long long idle_s, long long over_ms) {
    return idle_s * 1000 > over_ms;
}

}  // namespace redisops
