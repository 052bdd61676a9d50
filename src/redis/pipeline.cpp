#include "redis/pipeline.hpp"

namespace redisops {

std::vector<Reply> Pipeline::exec() {
    std::vector<Reply> replies;
    replies.reserve(queued_);
    conn_.flush();
    for (size_t i = 0; i < queued_; ++i) replies.push_back(conn_.read_reply());
    queued_ = 0;
    return replies;
}

}  // namespace redisops
