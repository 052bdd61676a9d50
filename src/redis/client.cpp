#include "redis/client.hpp"

#include <fmt/format.h>

#include "redis/errors.hpp"
#include "redis/pipeline.hpp"
#include "redis/sentinel.hpp"

namespace redisops {

Client::Client(ConnectionOptions opts) : opts_(std::move(opts)) {
    if (opts_.cluster) cluster_ = std::make_unique<ClusterRouter>(opts_);
}

Topology Client::topology() const {
    if (cluster_) return Topology::Cluster;
    if (!opts_.sentinels.empty()) return Topology::Sentinel;
    return Topology::Standalone;
}

Connection& Client::connection() {
    if (cluster_) return cluster_->any_master();
    if (!main_ || main_->broken() || idle_peer_closed(*main_)) {
        main_.reset();
        // With Sentinel, every reconnect asks again: the master may have changed meanwhile.
        main_.emplace(opts_.sentinels.empty() ? Connection::open(opts_) : connect_master(opts_));
    }
    return *main_;
}

Connection& Client::connection_for_key(std::string_view key) {
    if (cluster_) return cluster_->node_for_slot(hash_slot(key));
    return connection();
}

template <class F>
Reply Client::on_master(bool read_only, F&& attempt) {
    bool sentinel = topology() == Topology::Sentinel;
    for (int round = 0;; ++round) {
        bool last = !sentinel || round > 0;
        try {
            Reply r = attempt(connection());
            if (!last && r.is_error() && classify_error(r.error()) == ErrorKind::ReadOnly) {
                // The master we knew was demoted by a failover: nothing was written there.
                reset();
                continue;
            }
            r.check();
            return r;
        } catch (const ReplyError& e) {
            if (last || e.kind() != ErrorKind::ReadOnly) throw;
            reset();
        } catch (const ClosedError&) {
            if (last || !read_only) throw;
            reset();
        }
    }
}

Reply Client::command(const Args& argv) {
    if (cluster_) return cluster_->command(-1, argv);
    return on_master(is_read_only_command(argv),
                     [&](Connection& c) { return c.command_unchecked(argv); });
}

Reply Client::command_for_key(std::string_view key, const Args& argv) {
    if (cluster_) return cluster_->command(hash_slot(key), argv);
    return on_master(is_read_only_command(argv),
                     [&](Connection& c) { return c.command_unchecked(argv); });
}

std::vector<Reply> Client::pipeline_for_key(std::string_view key,
                                            const std::vector<Args>& commands) {
    if (cluster_) return cluster_->pipeline(hash_slot(key), commands);
    Pipeline p(connection());
    for (const auto& argv : commands) p.add(argv);
    return p.exec();
}

Reply Client::eval(const Script& script, const Args& keys, const Args& args) {
    if (cluster_) return cluster_->eval(script, keys, args);
    require_same_slot(script.name(), keys);
    // Script::run throws on an error reply; READONLY is caught in on_master. A lost
    // connection is never resent: the script may have run.
    return on_master(false, [&](Connection& c) { return script.run(c, keys, args); });
}

std::vector<ServerAddress> Client::masters() {
    if (cluster_) return cluster_->masters();
    return {connection().address()};
}

std::vector<Shard> Client::shards() {
    if (cluster_) return cluster_->shards();
    Shard shard{connection().address(), {}};
    // ROLE on a master: ["master", offset, [[ip, port, offset], …]].
    Reply role = command({"ROLE"});
    if (role.size() >= 3 && role[0].str() == "master") {
        ReplyView replicas = role[2];
        for (size_t i = 0; i < replicas.size(); ++i) {
            ServerAddress a;
            a.host = std::string(replicas[i][0].str());
            a.port = static_cast<int>(replicas[i][1].integer());
            shard.replicas.push_back(a);
        }
    }
    return {shard};
}

Connection& Client::connection_to(const ServerAddress& addr) {
    if (cluster_) return cluster_->node(addr);
    Connection& master = connection();
    if (addr.display() == master.address().display()) return master;
    return others_.get(opts_, addr);
}

Connection Client::open_connection(const ServerAddress& addr) const {
    return Connection::open(opts_, addr);
}

void Client::refresh_topology() {
    if (cluster_) cluster_->refresh();
}

void Client::reset() {
    main_.reset();
    others_.clear();
    if (cluster_) cluster_->reset();
}

}  // namespace redisops
