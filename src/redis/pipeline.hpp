// Queue N commands, send them in one write, read N replies: the shape of all bulk work.
#pragma once

#include <vector>

#include "redis/connection.hpp"

namespace redisops {

class Pipeline {
  public:
    explicit Pipeline(Connection& conn) : conn_(conn) {}
    void add(const Args& argv) {
        conn_.append(argv);
        ++queued_;
    }
    size_t size() const { return queued_; }
    /// Sends the queue and reads every reply in order. Error replies stay in the vector
    /// (call check() on the ones that matter); I/O errors throw.
    std::vector<Reply> exec();

  private:
    Connection& conn_;
    size_t queued_ = 0;
};

}  // namespace redisops
