#include "redis/error_kind.hpp"

#include <cctype>

namespace redisops {
namespace {

struct Code {
    std::string_view word;
    ErrorKind kind;
};

// One code word per kind; "ERR" kinds are recognised by their text below.
constexpr Code kCodes[] = {
    {"MOVED", ErrorKind::Moved},
    {"ASK", ErrorKind::Ask},
    {"TRYAGAIN", ErrorKind::TryAgain},
    {"CLUSTERDOWN", ErrorKind::ClusterDown},
    {"CROSSSLOT", ErrorKind::CrossSlot},
    {"NOSCRIPT", ErrorKind::NoScript},
    {"BUSY", ErrorKind::Busy},
    {"READONLY", ErrorKind::ReadOnly},
    {"LOADING", ErrorKind::Loading},
    {"MASTERDOWN", ErrorKind::MasterDown},
    {"UNBLOCKED", ErrorKind::Unblocked},
    {"MISCONF", ErrorKind::MisConf},
    {"OOM", ErrorKind::Oom},
    {"WRONGTYPE", ErrorKind::WrongType},
    {"BUSYKEY", ErrorKind::BusyKey},
    {"BUSYGROUP", ErrorKind::BusyGroup},
    {"NOGROUP", ErrorKind::NoGroup},
    {"NOPERM", ErrorKind::NoPerm},
    {"NOAUTH", ErrorKind::NoAuth},
    {"WRONGPASS", ErrorKind::WrongPass},
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::toupper(static_cast<unsigned char>(a[i])) !=
            std::toupper(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool icontains(std::string_view text, std::string_view needle) {
    for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
        if (iequals(text.substr(i, needle.size()), needle)) return true;
    }
    return false;
}

/// The generic "ERR …" errors that callers need to tell apart. Redis has worded them
/// differently across versions ("unknown command 'X'", "unknown command `X`", "Unknown
/// subcommand or wrong number of arguments for 'X'"), so only the stable start is compared.
ErrorKind classify_err(std::string_view text) {
    if (istarts_with(text, "unknown command")) return ErrorKind::UnknownCommand;
    if (istarts_with(text, "unknown subcommand")) return ErrorKind::UnknownSubcommand;
    if (icontains(text, "cluster support disabled")) return ErrorKind::ClusterDisabled;
    // Redis < 6 had no WRONGPASS; AUTH with a password to a server that has none is the same
    // mistake: the credentials given are not the server's.
    if (istarts_with(text, "invalid password") || icontains(text, "without any password") ||
        icontains(text, "no password is set")) {
        return ErrorKind::WrongPass;
    }
    return ErrorKind::Other;
}

}  // namespace

ErrorKind classify_error(std::string_view error) {
    size_t end = 0;
    while (end < error.size() && !is_space(error[end])) ++end;
    std::string_view word = error.substr(0, end);
    if (word.empty()) return ErrorKind::Other;
    for (const Code& c : kCodes) {
        if (iequals(word, c.word)) return c.kind;
    }
    if (iequals(word, "ERR")) {
        std::string_view rest = error.substr(end);
        while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
        return classify_err(rest);
    }
    return ErrorKind::Other;
}

std::string_view error_kind_name(ErrorKind kind) {
    for (const Code& c : kCodes) {
        if (c.kind == kind) return c.word;
    }
    return "ERR";  // Other and the kinds Redis reports under ERR
}

bool is_redirect(ErrorKind kind) { return kind == ErrorKind::Moved || kind == ErrorKind::Ask; }

bool is_transient(ErrorKind kind) {
    switch (kind) {
        // UNBLOCKED: a blocking read cut short because the master became a replica (failover);
        // READONLY: a write (XACK, XREADGROUP) sent to the demoted node. Both: reconnect.
        case ErrorKind::Loading:
        case ErrorKind::Busy:
        case ErrorKind::MasterDown:
        case ErrorKind::TryAgain:
        case ErrorKind::ClusterDown:
        case ErrorKind::Unblocked:
        case ErrorKind::ReadOnly:
            return true;
        default:
            return false;
    }
}

bool is_denied(ErrorKind kind) {
    return kind == ErrorKind::NoPerm || kind == ErrorKind::UnknownCommand ||
           kind == ErrorKind::UnknownSubcommand;
}

bool is_auth_failure(ErrorKind kind) {
    return kind == ErrorKind::NoAuth || kind == ErrorKind::WrongPass;
}

}  // namespace redisops
