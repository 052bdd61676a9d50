// The holder record's command line (shell-quoted, clipped) and which keys `lock list` skips.
#include <doctest/doctest.h>

#include "lock/holder.hpp"
#include "lock/lock_list.hpp"

using namespace redisops;

TEST_CASE("shell_join quotes words a shell would split and clips at a UTF-8 boundary") {
    CHECK(shell_join({"./deploy.sh", "--prod"}) == "./deploy.sh --prod");
    CHECK(shell_join({"sh", "-c", "echo $HOME; it's"}) == "sh -c 'echo $HOME; it'\\''s'");
    CHECK(shell_join({"printf", ""}) == "printf ''");
    std::string long_arg(300, 'x');
    CHECK(shell_join({"cmd", long_arg}).size() == 256);
    // "é" is two bytes: a cut inside it backs up to before it.
    std::string accents;
    for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";
    std::string joined = shell_join({accents});
    CHECK(joined.size() <= 256);
    CHECK((static_cast<unsigned char>(joined.back()) & 0xC0) != 0xC0);
    CHECK(joined.size() % 2 == 1);  // the opening quote plus whole two-byte characters
}

TEST_CASE("a lock's fence and holder keys are companions; lock keys are not") {
    CHECK(is_lock_companion("{lock:deploy}:fence"));
    CHECK(is_lock_companion("{lock:deploy}:holder"));
    CHECK(is_lock_companion("lock:{tenant}job:fence"));
    CHECK_FALSE(is_lock_companion("lock:deploy"));
    CHECK_FALSE(is_lock_companion("lock:fence"));
    CHECK_FALSE(is_lock_companion("{lock:deploy}:released"));
}
