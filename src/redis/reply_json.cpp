#include "redis/reply_json.hpp"

#include "util/text.hpp"

namespace redisops {

nlohmann::json reply_to_json(ReplyView reply) {
    const redisReply* r = reply.raw();
    switch (r->type) {
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
            return to_json_text(std::string_view(r->str, r->len));
        case REDIS_REPLY_INTEGER:
            return r->integer;
        case REDIS_REPLY_ARRAY: {
            nlohmann::json arr = nlohmann::json::array();
            for (size_t i = 0; i < r->elements; ++i)
                arr.push_back(reply_to_json(ReplyView(r->element[i])));
            return arr;
        }
        case REDIS_REPLY_ERROR:
            return {{"error", to_json_text(std::string_view(r->str, r->len))}};
        default:
            return nullptr;
    }
}

}  // namespace redisops
