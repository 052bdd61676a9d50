// libFuzzer: arbitrary bytes from "a server" go through hiredis' reader and the reply-to-JSON
// path; every reply must convert and serialise, whatever bytes it holds.
#include <hiredis/hiredis.h>

#include <cstdint>
#include <memory>

#include "redis/reply.hpp"
#include "redis/reply_json.hpp"
#include "util/output.hpp"
#include "util/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::unique_ptr<redisReader, void (*)(redisReader*)> reader(redisops::new_bounded_reader(),
                                                                redisReaderFree);
    redisReaderFeed(reader.get(), reinterpret_cast<const char*>(data), size);
    for (int i = 0; i < 64; ++i) {
        void* raw = nullptr;
        if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK || !raw) break;
        redisops::Reply reply(static_cast<redisReply*>(raw));
        std::string json = redisops::dump_json(redisops::reply_to_json(reply.view()));
        if (!redisops::is_valid_utf8(json)) __builtin_trap();
        if (reply.view().is_string()) (void)redisops::quote_if_needed(reply.str());
    }
    return 0;
}
