// `pubsub tail`: SUBSCRIBE, PSUBSCRIBE or SSUBSCRIBE and print what arrives. Pub/Sub keeps
// nothing: what is published while nobody listens (before the start, or while reconnecting)
// is gone, and the caller is told so through `notice`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acl/acl_rules.hpp"
#include "redis/client.hpp"
#include "stream/format.hpp"
#include "stream/stop.hpp"
#include "stream/tail.hpp"

namespace redisops {

struct PubSubOptions {
    std::vector<std::string> channels;
    bool pattern = false;  // PSUBSCRIBE
    bool shard = false;    // SSUBSCRIBE (Redis 7 sharded Pub/Sub)
    std::optional<uint64_t> count;
    /// With no message for this long, a PING proves the connection is alive.
    std::chrono::milliseconds keepalive{15000};
};

struct PubSubEvents {
    std::function<void(const PubSubMessage&)> message;
    std::function<void()> flush;
    std::function<void(std::string_view)> notice;
};

/// For --print-acl: the channels given (`&` rules; patterns as given, since an ACL lets
/// PSUBSCRIBE subscribe only to a pattern it names literally), the subscribe command of the
/// mode (SUBSCRIBE, PSUBSCRIBE or SSUBSCRIBE) and PING, which checks a quiet subscription.
AclRules pubsub_acl(const PubSubOptions& opts);

/// Runs until --count messages, a stop request, or a ReplyError (a subscription refused).
/// A lost connection is re-established with backoff; the gap is announced, never hidden.
TailEnd run_pubsub_tail(Client& client, const PubSubOptions& opts, const PubSubEvents& events,
                        StopFlag& stop);

}  // namespace redisops
