#include "stream/reconnect.hpp"

#include <algorithm>
#include <string>

#include "redis/errors.hpp"

namespace redisops {

ReconnectLoop::ReconnectLoop(StopFlag& stop, OnLost on_lost, Backoff backoff, Sleep sleep)
    : stop_(stop),
      on_lost_(std::move(on_lost)),
      backoff_(backoff),
      sleep_(std::move(sleep)),
      wait_(backoff.first) {}

bool ReconnectLoop::run(const std::function<void()>& body) {
    for (;;) {
        std::string why;
        try {
            body();
            return true;
        } catch (const ConnectionError& e) {
            why = e.what();
        } catch (const ReplyError& e) {
            if (!is_transient(e.kind())) throw;
            why = e.what();
        }
        if (stop_.requested()) return false;
        on_lost_(why, wait_);
        sleep_(stop_, wait_);
        if (stop_.requested()) return false;
        wait_ = std::min(wait_ * 2, backoff_.max);
    }
}

}  // namespace redisops
