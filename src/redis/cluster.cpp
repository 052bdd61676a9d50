#include "redis/cluster.hpp"

#include <fmt/format.h>
#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>
#include <thread>

#include "redis/errors.hpp"

namespace redisops {
namespace {

/// ASKING and the command in one write; ASKING's own +OK is read and dropped. The redirect
/// target only serves the migrating slot to a client that said ASKING just before.
Reply exchange(Connection& c, bool asking, const Args& argv) {
    if (asking) c.append({"ASKING"});
    c.append(argv);
    c.flush();
    if (asking) {
        Reply ok = c.read_reply();
        if (ok.is_error()) {
            throw ReplyError(
                fmt::format("ASKING failed on {}: {}", c.address().display(), ok.error()));
        }
    }
    return c.read_reply();
}

std::string field(std::string_view info, std::string_view name) {
    auto at = info.find(std::string(name) + ":");
    if (at == std::string_view::npos) return "";
    auto start = at + name.size() + 1;
    auto end = info.find_first_of("\r\n", start);
    return std::string(info.substr(start, end == std::string_view::npos ? end : end - start));
}

}  // namespace

ClusterRouter::ClusterRouter(ConnectionOptions opts) : opts_(std::move(opts)) {
    if (opts_.db != 0) throw UsageError("--db: Redis Cluster has only database 0");
}

bool idle_peer_closed(const Connection& c) {
    // MSG_PEEK leaves any bytes (a TLS session ticket, say) for the reader; only a clean EOF
    // or a reset means the server is gone.
    char byte;
    ssize_t n = ::recv(c.fd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

Connection& NodePool::get(const ConnectionOptions& opts, const ServerAddress& addr) {
    std::lock_guard lock(*mutex_);
    auto it = nodes_.find(addr.display());
    if (it != nodes_.end() && !it->second.broken() && !idle_peer_closed(it->second)) {
        return it->second;
    }
    if (it != nodes_.end()) nodes_.erase(it);
    return nodes_.emplace(addr.display(), Connection::open(opts, addr)).first->second;
}

void NodePool::clear() {
    std::lock_guard lock(*mutex_);
    nodes_.clear();
}

Connection& ClusterRouter::node(const ServerAddress& addr) { return pool_.get(opts_, addr); }

const SlotMap& ClusterRouter::map() {
    if (!map_) refresh();
    return *map_;
}

void ClusterRouter::refresh() {
    // Ask the known nodes first (the seed may be the node that just failed), the seed last.
    std::vector<ServerAddress> candidates;
    if (map_) {
        for (const auto& s : map_->shards) {
            candidates.push_back(s.master);
            candidates.insert(candidates.end(), s.replicas.begin(), s.replicas.end());
        }
    }
    candidates.push_back(opts_.address);
    std::string failures;
    for (const auto& addr : candidates) {
        Reply info, shards, slots;
        try {
            Connection& c = node(addr);
            // CLUSTER SHARDS where the server has it (it names announced hostnames and TLS
            // ports apart); CLUSTER SLOTS where it is unknown or not allowed.
            c.append({"CLUSTER", "INFO"});
            c.append({"CLUSTER", "SHARDS"});
            c.append({"CLUSTER", "SLOTS"});
            c.flush();
            info = c.read_reply();
            shards = c.read_reply();
            slots = c.read_reply();
        } catch (const ConnectionError& e) {
            failures += fmt::format("; {}", e.what());
            continue;
        }
        if (info.is_error()) {
            if (classify_error(info.error()) == ErrorKind::ClusterDisabled) {
                throw UsageError(
                    fmt::format("-c/--cluster: {} is not a cluster node (cluster support disabled)",
                                addr.display()));
            }
            throw ReplyError(fmt::format("CLUSTER INFO on {}: {}", addr.display(), info.error()));
        }
        std::string state = field(info.str(), "cluster_state");
        if (state != "ok") {
            throw ConnectionError(fmt::format("Redis Cluster is down: {} reports cluster_state:{}",
                                              addr.display(), state));
        }
        SlotMap m;
        if (!shards.is_error()) {
            m = SlotMap::from_cluster_shards(shards.view(), addr, opts_.tls.enabled);
        } else {
            slots.check();
            m = SlotMap::from_cluster_slots(slots.view(), addr);
        }
        if (m.shards.empty()) {
            throw ConnectionError(
                fmt::format("Redis Cluster at {} has no slots assigned", addr.display()));
        }
        map_ = std::move(m);
        return;
    }
    throw ConnectionError("no Redis Cluster node answered" + failures);
}

void ClusterRouter::reset() {
    pool_.clear();
    map_.reset();
}

Connection& ClusterRouter::node_for_slot(int slot) {
    const Shard* shard = map().shard_for_slot(slot);
    if (!shard) {
        refresh();  // a slot nobody serves may have been assigned since the map was read
        shard = map().shard_for_slot(slot);
        if (!shard) {
            throw ConnectionError(fmt::format("Redis Cluster: no node serves slot {}", slot));
        }
    }
    return node(shard->master);
}

Connection& ClusterRouter::any_master() { return node(map().shards.front().master); }

std::vector<Shard> ClusterRouter::shards() { return map().shards; }

std::vector<ServerAddress> ClusterRouter::masters() { return map().masters(); }

void ClusterRouter::cluster_down(const ServerAddress& where, std::string_view error) {
    std::string state = "unknown";
    try {
        Reply info = node(where).command({"CLUSTER", "INFO"});
        state = field(info.str(), "cluster_state");
    } catch (const Error&) {
    }
    throw ConnectionError(fmt::format("Redis Cluster is down: {} reports cluster_state:{} ({})",
                                      where.display(), state, error));
}

Reply ClusterRouter::route(int slot, bool retry_on_loss, const Attempt& attempt, bool keep_errors) {
    std::optional<ServerAddress> ask_target;
    std::string last;
    bool refreshed_after_loss = false;
    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
        Reply r;
        Connection* c = nullptr;
        try {
            c = ask_target ? &node(*ask_target) : slot < 0 ? &any_master() : &node_for_slot(slot);
            r = attempt(*c, ask_target.has_value());
        } catch (const ConnectionError& e) {
            // Failing to connect sends nothing, and a lost read-only command changes nothing:
            // both are retried once against a fresh map (the shard may have failed over).
            bool sent = c != nullptr;
            if (refreshed_after_loss || (sent && !retry_on_loss) ||
                dynamic_cast<const TimeoutError*>(&e)) {
                throw;
            }
            refreshed_after_loss = true;
            ask_target.reset();
            try {
                refresh();
            } catch (const ConnectionError&) {
                throw e;
            }
            continue;
        }
        ask_target.reset();
        if (!r.is_error()) return r;
        std::string_view err = r.error();
        last = std::string(err);
        if (auto rd = parse_redirect(err)) {
            if (rd->ask) {
                ask_target = rd->target;
            } else {
                refresh();
                // The node that answered MOVED is authoritative even if the map lags.
                if (!map_->shard_for_slot(rd->slot) ||
                    map_->shard_for_slot(rd->slot)->master.display() != rd->target.display()) {
                    map_->shards.push_back(Shard{rd->target, {}});
                    map_->owner[static_cast<size_t>(rd->slot)] =
                        static_cast<int16_t>(map_->shards.size() - 1);
                }
            }
            continue;
        }
        switch (classify_error(err)) {
            case ErrorKind::TryAgain:
                // A multi-key command whose keys are split by an ongoing migration: wait it out.
                std::this_thread::sleep_for(std::chrono::milliseconds(50 * (hop + 1)));
                continue;
            case ErrorKind::ClusterDown:
                cluster_down(c->address(), err);
            case ErrorKind::CrossSlot:
                throw std::logic_error(
                    fmt::format("redis-ops bug: a command spanning hash slots reached {}: {}",
                                c->address().display(), err));
            default:
                if (keep_errors) return r;
                throw ReplyError(std::string(err));
        }
    }
    throw ConnectionError(
        fmt::format("Redis Cluster: gave up after {} redirects for slot {} (last: {})",
                    kMaxRedirects, slot, last));
}

Reply ClusterRouter::command(int slot, const Args& argv) {
    return route(slot, is_read_only_command(argv),
                 [&](Connection& c, bool asking) { return exchange(c, asking, argv); });
}

std::vector<Reply> ClusterRouter::pipeline(int slot, const std::vector<Args>& commands) {
    Connection& c = node_for_slot(slot);
    for (const auto& argv : commands) c.append(argv);
    c.flush();
    std::vector<Reply> replies;
    replies.reserve(commands.size());
    for (size_t i = 0; i < commands.size(); ++i) replies.push_back(c.read_reply());
    bool refreshed = false;
    for (size_t i = 0; i < commands.size(); ++i) {
        if (!replies[i].is_error()) continue;
        auto rd = parse_redirect(replies[i].error());
        if (!rd) continue;
        std::optional<ServerAddress> ask = rd->ask ? std::optional(rd->target) : std::nullopt;
        if (!ask && !refreshed) {
            refresh();  // MOVED: the whole slot left; one reload serves the rest of the batch
            refreshed = true;
        }
        // route() follows any further redirects; the first ASK hop is the one received here.
        replies[i] = route(
            slot, false,
            [&](Connection& conn, bool asking) {
                if (ask) {
                    Connection& target = node(*ask);
                    ask.reset();
                    return exchange(target, true, commands[i]);
                }
                return exchange(conn, asking, commands[i]);
            },
            true);
    }
    return replies;
}

Reply ClusterRouter::eval(const Script& script, const Args& keys, const Args& args) {
    require_same_slot(script.name(), keys);
    int slot = keys.empty() ? -1 : hash_slot(keys.front());
    return route(slot, false, [&](Connection& c, bool asking) {
        // Each node has its own script cache; the importing side of an ASK may lack it, so the
        // SCRIPT LOAD goes to the node that answered NOSCRIPT. ASKING holds for one command
        // only, so it goes ahead of each one (before SCRIPT LOAD it is harmless).
        return script.call([&](const Args& argv) { return exchange(c, asking, argv); }, keys, args);
    });
}

}  // namespace redisops
