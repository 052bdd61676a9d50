#include "audit/keys_usage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "redis/error_kind.hpp"
#include "redis/errors.hpp"

namespace redisops {

namespace {

uint64_t to_u64(std::string_view s) {
    uint64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

void read_commandstats(Connection& conn, KeysUsage& u) {
    Reply r = conn.command_unchecked({"INFO", "commandstats"});
    if (r.is_error()) {
        u.notes.push_back(unavailable_note("INFO commandstats", r.error()));
        return;
    }
    for_each_line(r.str(), [&](std::string_view line) {
        constexpr std::string_view kPrefix = "cmdstat_keys:";
        if (!line.starts_with(kPrefix)) return;
        line.remove_prefix(kPrefix.size());
        u.calls += to_u64(info_field(line, "calls"));
        u.usec += to_u64(info_field(line, "usec"));
    });
}

void read_slowlog(Connection& conn, const std::string& node, KeysUsage& u) {
    // 128 newest entries: slowlog-max-len defaults to 128, and SLOWLOG GET is O(N).
    Reply r = conn.command_unchecked({"SLOWLOG", "GET", "128"});
    if (r.is_error()) {
        u.notes.push_back(unavailable_note("SLOWLOG", r.error()));
        return;
    }
    for (size_t i = 0; i < r.size(); ++i) {
        ReplyView e = r[i];
        if (e.size() < 4 || e[3].size() == 0 || lower(e[3][0].str()) != "keys") continue;
        SlowKeysCall call;
        call.node = node;
        call.id = e[0].integer();
        call.time = e[1].integer();
        call.duration_us = e[2].integer();
        if (e[3].size() > 1) call.pattern = e[3][1].str();
        if (e.size() > 4) call.client_addr = e[4].str();
        if (e.size() > 5) call.client_name = e[5].str();
        u.slowlog.push_back(std::move(call));
    }
}

void read_client_list(Connection& conn, const std::string& node, KeysUsage& u) {
    Reply r = conn.command_unchecked({"CLIENT", "LIST"});
    if (r.is_error()) {
        u.notes.push_back(unavailable_note("CLIENT LIST", r.error()));
        return;
    }
    for_each_line(r.str(), [&](std::string_view line) {
        if (lower(info_field(line, "cmd", ' ')) != "keys") return;
        u.clients.push_back({node, info_field(line, "id", ' '), info_field(line, "addr", ' '),
                             info_field(line, "name", ' '), info_field(line, "user", ' ')});
    });
}

void read_acl(Connection& conn, KeysUsage& u) {
    Reply who = conn.command_unchecked({"ACL", "WHOAMI"});
    if (who.is_error()) {
        u.notes.push_back(unavailable_note("ACL WHOAMI", who.error()));
        return;
    }
    u.acl_user = who.str();
    // ACL DRYRUN (Redis 7.0+) answers OK, or a bulk string saying why the command is denied.
    Reply dry = conn.command_unchecked({"ACL", "DRYRUN", u.acl_user, "KEYS", "*"});
    if (dry.is_error()) {
        u.notes.push_back(unavailable_note("ACL DRYRUN", dry.error()));
        return;
    }
    u.acl_allows = dry.view().is_status() && dry.str() == "OK";
}

}  // namespace

// An ACL denial and a renamed or disabled command read differently: the user knows whom to ask.
std::string unavailable_note(std::string_view what, std::string_view error) {
    switch (classify_error(error)) {
        case ErrorKind::NoPerm:
            return fmt::format("{} is not allowed for this user: {}", what, error);
        case ErrorKind::UnknownCommand:
        case ErrorKind::UnknownSubcommand:
            return fmt::format(
                "{} is not available on this server (renamed, disabled or too "
                "old): {}",
                what, error);
        default:
            return fmt::format("{} failed: {}", what, error);
    }
}

std::string info_field(std::string_view line, std::string_view field, char sep) {
    size_t pos = 0;
    while (pos <= line.size()) {
        size_t end = line.find(sep, pos);
        if (end == std::string_view::npos) end = line.size();
        std::string_view item = line.substr(pos, end - pos);
        if (item.size() > field.size() && item.starts_with(field) && item[field.size()] == '=') {
            return std::string(item.substr(field.size() + 1));
        }
        pos = end + 1;
    }
    return {};
}

void KeysUsage::merge(const KeysUsage& o) {
    calls += o.calls;
    usec += o.usec;
    slowlog.insert(slowlog.end(), o.slowlog.begin(), o.slowlog.end());
    clients.insert(clients.end(), o.clients.begin(), o.clients.end());
    if (acl_user.empty()) acl_user = o.acl_user;
    if (o.acl_allows) acl_allows = acl_allows.value_or(false) || *o.acl_allows;
    for (const auto& n : o.notes) {
        if (std::find(notes.begin(), notes.end(), n) == notes.end()) notes.push_back(n);
    }
}

KeysUsage inspect_keys_usage(Connection& conn, const std::string& node) {
    KeysUsage u;
    read_commandstats(conn, u);
    read_slowlog(conn, node, u);
    read_client_list(conn, node, u);
    read_acl(conn, u);
    return u;
}

KeyspaceEstimate parse_info_keyspace(std::string_view info, int db) {
    KeyspaceEstimate est;
    std::string prefix = fmt::format("db{}:", db);
    for_each_line(info, [&](std::string_view line) {
        if (!line.starts_with(prefix)) return;
        line.remove_prefix(prefix.size());
        est.keys = to_u64(info_field(line, "keys"));
        est.expires = to_u64(info_field(line, "expires"));
    });
    return est;
}

}  // namespace redisops
