#include "redis/error_kind.hpp"

#include <doctest/doctest.h>

#include <string>

#include "redis/errors.hpp"

using namespace redisops;

TEST_CASE("each Redis error code maps to its kind") {
    struct Case {
        const char* reply;
        ErrorKind kind;
    };
    // Texts as Redis 7.0 and Valkey 8.0 send them (without the leading '-').
    const Case cases[] = {
        {"MOVED 3999 127.0.0.1:6381", ErrorKind::Moved},
        {"ASK 3999 127.0.0.1:6381", ErrorKind::Ask},
        {"TRYAGAIN Multiple keys request during rehashing of slot", ErrorKind::TryAgain},
        {"CLUSTERDOWN The cluster is down", ErrorKind::ClusterDown},
        {"CROSSSLOT Keys in request don't hash to the same slot", ErrorKind::CrossSlot},
        {"ERR This instance has cluster support disabled", ErrorKind::ClusterDisabled},
        {"NOSCRIPT No matching script. Please use EVAL.", ErrorKind::NoScript},
        {"BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
         ErrorKind::Busy},
        {"READONLY You can't write against a read only replica.", ErrorKind::ReadOnly},
        {"LOADING Redis is loading the dataset in memory", ErrorKind::Loading},
        {"MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
         ErrorKind::MasterDown},
        {"UNBLOCKED force unblock from blocking operation, instance state changed (master -> "
         "replica?)",
         ErrorKind::Unblocked},
        {"MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
         "persist to disk.",
         ErrorKind::MisConf},
        {"OOM command not allowed when used memory > 'maxmemory'.", ErrorKind::Oom},
        {"WRONGTYPE Operation against a key holding the wrong kind of value", ErrorKind::WrongType},
        {"BUSYKEY Target key name already exists.", ErrorKind::BusyKey},
        {"BUSYGROUP Consumer Group name already exists", ErrorKind::BusyGroup},
        {"NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option",
         ErrorKind::NoGroup},
        {"NOPERM User ops has no permissions to run the 'flushall' command", ErrorKind::NoPerm},
        {"NOPERM No permissions to access a key", ErrorKind::NoPerm},
        {"NOAUTH Authentication required.", ErrorKind::NoAuth},
        {"WRONGPASS invalid username-password pair or user is disabled.", ErrorKind::WrongPass},
        {"ERR unknown command 'FLUSHALL', with args beginning with: ", ErrorKind::UnknownCommand},
        {"ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP.", ErrorKind::UnknownSubcommand},
        {"ERR syntax error", ErrorKind::Other},
        {"ERR wrong number of arguments for 'get' command", ErrorKind::Other},
        {"NOTBUSY No scripts in execution right now.", ErrorKind::Other},
        {"EXECABORT Transaction discarded because of previous errors.", ErrorKind::Other},
    };
    for (const auto& c : cases) {
        CAPTURE(c.reply);
        CHECK(classify_error(c.reply) == c.kind);
    }
}

TEST_CASE("older servers' wordings of the ERR kinds are recognised") {
    // Redis 6.0 quoted with backticks; Redis < 6.2 had one message for both subcommand cases;
    // Redis < 6 had no WRONGPASS.
    CHECK(classify_error("ERR unknown command `FLUSHALL`, with args beginning with: ") ==
          ErrorKind::UnknownCommand);
    CHECK(classify_error("ERR Unknown subcommand or wrong number of arguments for 'NO-TOUCH'. "
                         "Try CLIENT HELP") == ErrorKind::UnknownSubcommand);
    CHECK(classify_error("ERR invalid password") == ErrorKind::WrongPass);
    CHECK(classify_error("ERR Client sent AUTH, but no password is set") == ErrorKind::WrongPass);
    CHECK(classify_error("ERR AUTH <password> called without any password configured for the "
                         "default user. Are you sure your configuration is correct?") ==
          ErrorKind::WrongPass);
}

TEST_CASE("the code word is matched whole and in any case") {
    CHECK(classify_error("moved 3999 127.0.0.1:6381") == ErrorKind::Moved);
    CHECK(classify_error("NoScript No matching script") == ErrorKind::NoScript);
    CHECK(classify_error("err Unknown Command 'x'") == ErrorKind::UnknownCommand);
    // A code alone, or followed by a tab or a line break, is still that code.
    CHECK(classify_error("READONLY") == ErrorKind::ReadOnly);
    CHECK(classify_error("LOADING\tRedis is loading") == ErrorKind::Loading);
    CHECK(classify_error("BUSY\r\n") == ErrorKind::Busy);
    // A longer word is another code: BUSYGROUP and BUSYKEY are not BUSY, ASKING is not ASK.
    CHECK(classify_error("BUSYGROUP x") == ErrorKind::BusyGroup);
    CHECK(classify_error("ASKING") == ErrorKind::Other);
    CHECK(classify_error("NOSCRIPTS x") == ErrorKind::Other);
    CHECK(classify_error("MOVEDX 1 h:1") == ErrorKind::Other);
}

TEST_CASE("empty and odd replies are Other") {
    CHECK(classify_error("") == ErrorKind::Other);
    CHECK(classify_error(" ") == ErrorKind::Other);
    CHECK(classify_error(" MOVED 1 h:1") == ErrorKind::Other);  // the code must come first
    CHECK(classify_error("ERR") == ErrorKind::Other);
    CHECK(classify_error("ERR ") == ErrorKind::Other);
    CHECK(classify_error("-MOVED 1 h:1") == ErrorKind::Other);  // hiredis strips the '-'
    CHECK(classify_error("some proxy said no") == ErrorKind::Other);
    CHECK(classify_error(std::string("WRONGTYPE\0x", 11)) == ErrorKind::Other);
    CHECK(classify_error("\xff\xfe") == ErrorKind::Other);
    // "unknown command" only counts as the message of an ERR, not anywhere in a text.
    CHECK(classify_error("NOPERM unknown command") == ErrorKind::NoPerm);
    CHECK(classify_error("WARN unknown command") == ErrorKind::Other);
}

TEST_CASE("redirects are MOVED and ASK only") {
    CHECK(is_redirect(ErrorKind::Moved));
    CHECK(is_redirect(ErrorKind::Ask));
    CHECK_FALSE(is_redirect(ErrorKind::TryAgain));
    CHECK_FALSE(is_redirect(ErrorKind::ClusterDown));
    CHECK_FALSE(is_redirect(ErrorKind::Other));
}

TEST_CASE("transient kinds are the ones a restart, failover or resharding causes") {
    for (ErrorKind k :
         {ErrorKind::Loading, ErrorKind::Busy, ErrorKind::MasterDown, ErrorKind::TryAgain,
          ErrorKind::ClusterDown, ErrorKind::Unblocked, ErrorKind::ReadOnly}) {
        CAPTURE(error_kind_name(k));
        CHECK(is_transient(k));
    }
    for (ErrorKind k :
         {ErrorKind::Other, ErrorKind::Moved, ErrorKind::Ask, ErrorKind::NoScript,
          ErrorKind::WrongType, ErrorKind::NoPerm, ErrorKind::NoAuth, ErrorKind::WrongPass,
          ErrorKind::Oom, ErrorKind::UnknownCommand, ErrorKind::BusyGroup, ErrorKind::CrossSlot}) {
        CAPTURE(error_kind_name(k));
        CHECK_FALSE(is_transient(k));
    }
}

TEST_CASE("denied covers ACL refusals and renamed or missing commands") {
    CHECK(
        is_denied(classify_error("NOPERM User ops has no permissions to run the 'keys' command")));
    CHECK(is_denied(classify_error("ERR unknown command 'KEYS', with args beginning with: ")));
    CHECK(is_denied(classify_error("ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP.")));
    CHECK_FALSE(is_denied(classify_error("WRONGTYPE Operation against a key")));
    CHECK_FALSE(is_denied(classify_error("NOAUTH Authentication required.")));
    CHECK(is_auth_failure(classify_error("NOAUTH Authentication required.")));
    CHECK(is_auth_failure(classify_error("WRONGPASS invalid username-password pair")));
    CHECK_FALSE(is_auth_failure(ErrorKind::NoPerm));
}

TEST_CASE("kind names are the Redis code words") {
    CHECK(error_kind_name(ErrorKind::Moved) == "MOVED");
    CHECK(error_kind_name(ErrorKind::NoScript) == "NOSCRIPT");
    CHECK(error_kind_name(ErrorKind::BusyGroup) == "BUSYGROUP");
    CHECK(error_kind_name(ErrorKind::UnknownCommand) == "ERR");
    CHECK(error_kind_name(ErrorKind::Other) == "ERR");
    // Every named kind classifies back to itself.
    for (int i = 0; i <= static_cast<int>(ErrorKind::UnknownSubcommand); ++i) {
        auto k = static_cast<ErrorKind>(i);
        if (error_kind_name(k) == "ERR") continue;
        CHECK(classify_error(std::string(error_kind_name(k)) + " x") == k);
    }
}

TEST_CASE("ReplyError carries the kind of the server's error") {
    CHECK(ReplyError("NOSCRIPT No matching script").kind() == ErrorKind::NoScript);
    CHECK(ReplyError("ERR unknown command 'X'").kind() == ErrorKind::UnknownCommand);
    CHECK(ReplyError("").kind() == ErrorKind::Other);
    // A message that wraps a server error keeps the server's kind.
    ReplyError wrapped(ErrorKind::NoPerm, "SCAN: NOPERM this user has no permissions");
    CHECK(wrapped.kind() == ErrorKind::NoPerm);
    CHECK(std::string(wrapped.what()) == "SCAN: NOPERM this user has no permissions");
    // A reply of the wrong shape is redis-ops' finding, not a server error code.
    CHECK(ReplyTypeError("MOVED expected string, got integer").kind() == ErrorKind::Other);
}
