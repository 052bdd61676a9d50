// `expire --undo FILE`: puts back the expiries an `expire` run changed, key by key and only
// where the expiry is still the one that run set (lua/expire_undo.lua), routed by key so it
// works on a cluster whatever moved since.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "redis/client.hpp"

namespace redisops {

class StopFlag;

struct UndoOptions {
    std::string path;
    bool dry_run = false;  // read PEXPIRETIME only, and say what would be restored
    double rate = 0;       // keys a second
};

struct UndoReport {
    bool complete = false;
    bool dry_run = false;
    bool interrupted = false;
    std::string error;  // why it stopped early (a lost connection)
    uint64_t records = 0;
    uint64_t done = 0;          // records handled so far
    uint64_t restored = 0;      // (or would be, on a dry run)
    uint64_t unchanged = 0;     // the old expiry is in place: never changed, or restored before
    uint64_t left_changed = 0;  // something else changed the expiry since: left alone
    uint64_t gone = 0;          // the key no longer exists
    bool torn_last_line = false;
    std::vector<std::string> notes;
    std::chrono::milliseconds duration{0};
};

/// Reads the whole log first: a damaged line other than a torn last one throws UsageError
/// (FILE:LINE) before anything is restored. A lost connection ends it with complete=false;
/// error replies throw ReplyError.
UndoReport run_undo(Client& client, const UndoOptions& opts, const StopFlag& stop);

}  // namespace redisops
