// `cache fetch`: cache-aside for a shell command, shared by every host on the same Redis.
// A hit returns the stored stdout; a miss runs the command once across all concurrent callers
// (single_flight.hpp) and stores its stdout when it exits 0; a hit close to expiry is
// refreshed early by one caller (xfetch.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "redis/client.hpp"

namespace redisops {

struct FetchRequest {
    std::string key;
    Millis ttl{0};
    std::vector<std::string> tag_keys;
    double beta = 1.0;
    Millis lock_ttl{10000};  // renewed every third of it while the command runs
    Millis wait{300000};     // how long a waiter waits for another caller's result
    std::vector<std::string> argv;
};

enum class FetchSource {
    Hit,       // served from Redis
    Computed,  // this caller ran the command
    Waited,    // another caller ran it; this one waited for the value
};
const char* fetch_source_name(FetchSource s);

struct FetchResult {
    FetchSource source = FetchSource::Hit;
    /// The exit status for the caller: 0 with a value; the command's status (128+signal,
    /// 126/127 when it could not run) when it failed here or on the caller we waited for;
    /// 1 when the wait timed out.
    int status = 0;
    std::optional<std::string> value;  // the bytes to print; nullopt when there are none
    std::optional<Millis> ttl;
    std::optional<Millis> compute_time;
    std::string error;                  // why there is no value
    bool interrupted = false;           // we got SIGINT/SIGTERM/SIGHUP/SIGQUIT meanwhile
    std::vector<std::string> warnings;  // the value is good, but something is worth knowing
};

/// Throws ConnectionError / ReplyError when Redis fails before the command ran; once it ran,
/// a failure to store its output is a warning and the output is still returned.
FetchResult cache_fetch(Client& client, const FetchRequest& req);

/// "exited with status 3", "was killed by signal 9".
std::string describe_exit_status(int status);

}  // namespace redisops
