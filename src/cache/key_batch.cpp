#include "cache/key_batch.hpp"

#include <map>
#include <set>

#include "redis/slot.hpp"

namespace redisops {

std::vector<std::vector<std::string>> group_by_slot(const std::vector<std::string>& keys,
                                                    bool cluster) {
    if (keys.empty()) return {};
    if (!cluster) return {keys};
    std::map<int, std::vector<std::string>> by_slot;
    for (const auto& k : keys) by_slot[hash_slot(k)].push_back(k);
    std::vector<std::vector<std::string>> batches;
    batches.reserve(by_slot.size());
    for (auto& [slot, batch] : by_slot) batches.push_back(std::move(batch));
    return batches;
}

long long sum_over_keys(Client& client, std::string_view command,
                        const std::vector<std::string>& keys) {
    // Queue every batch on its node's connection, flush each node once, then read the replies
    // in the order they were queued (each connection answers in its own order).
    std::vector<Connection*> order;
    std::set<Connection*> nodes;
    for (auto& batch : group_by_slot(keys, client.topology() == Topology::Cluster)) {
        Connection& conn = client.connection_for_key(batch.front());
        Args argv;
        argv.reserve(batch.size() + 1);
        argv.emplace_back(command);
        for (auto& k : batch) argv.push_back(std::move(k));
        conn.append(argv);
        order.push_back(&conn);
        nodes.insert(&conn);
    }
    for (Connection* c : nodes) c->flush();
    long long sum = 0;
    for (Connection* c : order) sum += c->read_reply().check().integer();
    return sum;
}

}  // namespace redisops
