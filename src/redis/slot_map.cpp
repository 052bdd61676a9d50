#include "redis/slot_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <stdexcept>

#include "redis/errors.hpp"

namespace redisops {
std::optional<Redirect> parse_redirect(std::string_view error) {
    ErrorKind kind = classify_error(error);
    if (!is_redirect(kind)) return std::nullopt;
    Redirect r;
    r.ask = kind == ErrorKind::Ask;
    error.remove_prefix(std::min(error.size(), error_kind_name(kind).size() + 1));
    auto space = error.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    auto [p, ec] = std::from_chars(error.data(), error.data() + space, r.slot);
    if (ec != std::errc() || p != error.data() + space || r.slot < 0 || r.slot >= kSlotCount) {
        return std::nullopt;
    }
    std::string_view endpoint = error.substr(space + 1);
    // Redis 7 may send ":port" when the node's announced host is unknown to it.
    try {
        r.target = parse_host_port(endpoint, "redirect");
    } catch (const UsageError&) {
        return std::nullopt;
    }
    return r;
}

namespace {

/// A node's address from its reported host and port. An empty (or "?") host means the node that
/// was asked; a port outside 1-65535 is a reply no server sends.
ServerAddress node_address(std::string_view host, long long port, const ServerAddress& asked,
                           std::string_view source) {
    if (port < 1 || port > 65535)
        throw ProtocolError(fmt::format("{}: node port {} is out of range", source, port));
    ServerAddress a;
    a.host = host.empty() || host == "?" ? asked.host : std::string(host);
    a.port = static_cast<int>(port);
    return a;
}

}  // namespace

SlotMap SlotMap::from_cluster_slots(ReplyView reply, const ServerAddress& asked) {
    auto node_at = [&](ReplyView n) {
        return node_address(n[0].str(), n[1].integer(), asked, "CLUSTER SLOTS");
    };
    SlotMap m;
    for (size_t i = 0; i < reply.size(); ++i) {
        ReplyView range = reply[i];
        if (range.size() < 3) throw ProtocolError("CLUSTER SLOTS: a slot range without a master");
        long long from = range[0].integer(), to = range[1].integer();
        if (from < 0 || to >= kSlotCount || from > to) {
            throw ProtocolError(fmt::format("CLUSTER SLOTS: bad slot range {}-{}", from, to));
        }
        ServerAddress master = node_at(range[2]);
        // A master owning several ranges appears once per range: one shard per master.
        int16_t index = -1;
        for (size_t s = 0; s < m.shards.size(); ++s) {
            if (m.shards[s].master.display() == master.display()) index = static_cast<int16_t>(s);
        }
        if (index < 0) {
            Shard shard{master, {}};
            for (size_t r = 3; r < range.size(); ++r) shard.replicas.push_back(node_at(range[r]));
            m.shards.push_back(std::move(shard));
            index = static_cast<int16_t>(m.shards.size() - 1);
        }
        for (long long slot = from; slot <= to; ++slot) m.owner[static_cast<size_t>(slot)] = index;
    }
    return m;
}

namespace {

/// The value after `name` in a RESP2 flat map (CLUSTER SHARDS' shards and nodes).
std::optional<ReplyView> map_field(ReplyView map, std::string_view name) {
    for (size_t i = 0; i + 1 < map.size(); i += 2) {
        if (map[i].str() == name) return map[i + 1];
    }
    return std::nullopt;
}

}  // namespace

SlotMap SlotMap::from_cluster_shards(ReplyView reply, const ServerAddress& asked, bool tls) {
    SlotMap m;
    for (size_t i = 0; i < reply.size(); ++i) {
        ReplyView shard = reply[i];
        auto slots = map_field(shard, "slots");
        auto nodes = map_field(shard, "nodes");
        if (!slots || !nodes || slots->size() == 0) continue;  // a shard without slots
        std::optional<ServerAddress> master;
        std::vector<ServerAddress> replicas;
        for (size_t n = 0; n < nodes->size(); ++n) {
            ReplyView node = (*nodes)[n];
            auto endpoint = map_field(node, "endpoint");
            auto port = map_field(node, tls ? "tls-port" : "port");
            auto role = map_field(node, "role");
            auto health = map_field(node, "health");
            if (!port || !role) continue;
            ServerAddress a = node_address(endpoint ? endpoint->str() : std::string_view{},
                                           port->integer(), asked, "CLUSTER SHARDS");
            if (role->str() == "master") {
                master = a;
            } else if (!health || health->str() == "online") {
                replicas.push_back(a);
            }
        }
        if (!master) throw ProtocolError("CLUSTER SHARDS: a shard with slots but no master");
        m.shards.push_back({*master, std::move(replicas)});
        auto index = static_cast<int16_t>(m.shards.size() - 1);
        for (size_t r = 0; r + 1 < slots->size(); r += 2) {
            long long from = (*slots)[r].integer(), to = (*slots)[r + 1].integer();
            if (from < 0 || to >= kSlotCount || from > to) {
                throw ProtocolError(fmt::format("CLUSTER SHARDS: bad slot range {}-{}", from, to));
            }
            for (long long slot = from; slot <= to; ++slot)
                m.owner[static_cast<size_t>(slot)] = index;
        }
    }
    return m;
}

const Shard* SlotMap::shard_for_slot(int slot) const {
    int16_t i = owner[static_cast<size_t>(slot)];
    return i < 0 ? nullptr : &shards[static_cast<size_t>(i)];
}

std::vector<ServerAddress> SlotMap::masters() const {
    std::vector<ServerAddress> out;
    for (const auto& s : shards) out.push_back(s.master);
    return out;
}

bool is_read_only_command(const Args& argv) {
    static const std::set<std::string> kReads = {
        "GET",         "MGET",      "EXISTS",   "TTL",       "PTTL",        "TYPE",    "STRLEN",
        "GETRANGE",    "HGET",      "HMGET",    "HGETALL",   "HLEN",        "HEXISTS", "HKEYS",
        "HVALS",       "HSCAN",     "SMEMBERS", "SISMEMBER", "SCARD",       "SSCAN",   "ZRANGE",
        "ZCARD",       "ZSCORE",    "ZSCAN",    "ZRANK",     "LRANGE",      "LLEN",    "LINDEX",
        "XRANGE",      "XREVRANGE", "XLEN",     "XINFO",     "XREAD",       "SCAN",    "DBSIZE",
        "INFO",        "TIME",      "PING",     "ROLE",      "MEMORY",      "OBJECT",  "EXPIRETIME",
        "PEXPIRETIME", "DUMP",      "SLOWLOG",  "RANDOMKEY", "SRANDMEMBER", "PUBSUB"};
    if (argv.empty()) return false;
    std::string name = argv.front();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (name == "MEMORY" || name == "OBJECT" || name == "XINFO" || name == "SLOWLOG") {
        // Their GET/USAGE/… forms read; SLOWLOG RESET and friends do not.
        if (argv.size() < 2) return false;
        std::string sub = argv[1];
        std::transform(sub.begin(), sub.end(), sub.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        return sub != "RESET" && sub != "PURGE" && sub != "DOCTOR";
    }
    return kReads.count(name) > 0;
}

void require_same_slot(std::string_view script_name, const Args& keys) {
    for (size_t i = 1; i < keys.size(); ++i) {
        if (hash_slot(keys[i]) != hash_slot(keys[0])) {
            throw std::logic_error(fmt::format(
                "redis-ops bug: script '{}' was given keys in different hash slots ('{}' in slot "
                "{}, '{}' in slot {}); it would fail with CROSSSLOT on Redis Cluster, so it was "
                "not sent",
                script_name, keys[0], hash_slot(keys[0]), keys[i], hash_slot(keys[i])));
        }
    }
}

}  // namespace redisops
