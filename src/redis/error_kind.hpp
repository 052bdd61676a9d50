// What a Redis error reply means, as one enum: every place that reacts to an error (follow a
// redirect, reload a script, reconnect, give up) asks classify_error() instead of matching
// strings. Redis names the error in its first word ("MOVED 3999 host:port", "NOSCRIPT No
// matching script"); a few errors share the generic "ERR" and are told apart by their text
// ("ERR unknown command 'FLUSHALL'", which is also what a renamed or disabled command answers).
#pragma once

#include <string_view>

namespace redisops {

enum class ErrorKind {
    Other,  // anything not listed below ("ERR syntax error", "ERR wrong number of arguments" …)
    // Redis Cluster
    Moved,            // MOVED slot host:port: the slot lives elsewhere now
    Ask,              // ASK slot host:port: this key is being migrated; ask there, once
    TryAgain,         // TRYAGAIN: a multi-key command's keys are split by a migration
    ClusterDown,      // CLUSTERDOWN: the cluster cannot serve (slots uncovered, no quorum)
    CrossSlot,        // CROSSSLOT: keys of one command in different slots
    ClusterDisabled,  // ERR This instance has cluster support disabled
    // Scripts
    NoScript,  // NOSCRIPT: EVALSHA of a script this node has not loaded
    Busy,      // BUSY: a script or function has been running too long
    // Server state: restarts, failovers, persistence
    ReadOnly,    // READONLY: a write sent to a replica (the master was demoted)
    Loading,     // LOADING: the dataset is still being loaded after a restart
    MasterDown,  // MASTERDOWN: a replica lost its master (replica-serve-stale-data no)
    Unblocked,   // UNBLOCKED: a blocking command cut short (failover, CLIENT UNBLOCK ERROR)
    MisConf,     // MISCONF: writes refused because the last RDB save failed
    Oom,         // OOM: over maxmemory under noeviction
    // Data
    WrongType,  // WRONGTYPE: the key holds another type
    BusyKey,    // BUSYKEY: RESTORE or COPY onto an existing key
    BusyGroup,  // BUSYGROUP: XGROUP CREATE of a group that exists
    NoGroup,    // NOGROUP: the stream or its consumer group does not exist
    // Access: the server will not run this for this user
    NoPerm,             // NOPERM: an ACL forbids the command, key or channel
    NoAuth,             // NOAUTH: authentication required and not given
    WrongPass,          // WRONGPASS (and "ERR invalid password" of Redis < 6)
    UnknownCommand,     // ERR unknown command: renamed, disabled (rename-command) or too new
    UnknownSubcommand,  // ERR unknown subcommand: a server too old for it (CLIENT NO-TOUCH …)
};

/// The kind of an error reply's text (without the leading '-'). The code word is compared
/// case-insensitively; an empty or unrecognised text is ErrorKind::Other.
ErrorKind classify_error(std::string_view error);

/// The Redis code word for a kind, for messages and tests: "MOVED", "NOSCRIPT", "ERR" …
std::string_view error_kind_name(ErrorKind kind);

/// A cluster redirect (MOVED, ASK): the command was not run and may be resent where it points.
bool is_redirect(ErrorKind kind);

/// "Not now", not "never": the deployment is changing (a restart, a failover, a resharding)
/// and the same command may succeed after a wait or a reconnect.
bool is_transient(ErrorKind kind);

/// The server refuses the command to this user or in this configuration (ACL, rename-command,
/// an older version): retrying cannot help, a different command or more rights might.
bool is_denied(ErrorKind kind);

/// Authentication failed or is missing (NOAUTH, WRONGPASS).
bool is_auth_failure(ErrorKind kind);

}  // namespace redisops
