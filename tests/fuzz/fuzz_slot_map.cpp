// libFuzzer: arbitrary bytes as a cluster node's answer to CLUSTER SLOTS and CLUSTER SHARDS. Every
// reply either builds a slot map whose owners all point at a shard with a usable port, or throws
// the errors the routing code maps to exit 3 or 4; nothing else escapes, nothing crashes.
#include <hiredis/hiredis.h>

#include <cstdint>
#include <memory>

#include "redis/errors.hpp"
#include "redis/reply.hpp"
#include "redis/slot_map.hpp"

namespace {

void check(const redisops::SlotMap& m) {
    for (auto owner : m.owner) {
        if (owner < -1 || owner >= static_cast<int>(m.shards.size())) __builtin_trap();
    }
    for (const auto& s : m.shards) {
        if (s.master.port < 1 || s.master.port > 65535) __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::unique_ptr<redisReader, void (*)(redisReader*)> reader(redisops::new_bounded_reader(),
                                                                redisReaderFree);
    redisReaderFeed(reader.get(), reinterpret_cast<const char*>(data), size);
    void* raw = nullptr;
    if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK || !raw) return 0;
    redisops::Reply reply(static_cast<redisReply*>(raw));
    redisops::ServerAddress asked;
    asked.host = "seed";
    asked.port = 7000;
    try {
        check(redisops::SlotMap::from_cluster_slots(reply.view(), asked));
    } catch (const redisops::ProtocolError&) {
    } catch (const redisops::ReplyError&) {
    }
    for (bool tls : {false, true}) {
        try {
            check(redisops::SlotMap::from_cluster_shards(reply.view(), asked, tls));
        } catch (const redisops::ProtocolError&) {
        } catch (const redisops::ReplyError&) {
        }
    }
    return 0;
}
