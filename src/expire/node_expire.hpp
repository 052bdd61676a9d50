// One node's part of `expire` (see expire.hpp for the steps of a page).
#pragma once

#include <atomic>
#include <map>
#include <random>

#include "audit/no_ttl_patterns.hpp"
#include "expire/expire.hpp"
#include "util/fingerprint_set.hpp"
#include "util/throttle.hpp"

namespace redisops {

class StopFlag;

/// What the nodes share: --limit's budget of changes, and whether to stop.
struct ExpireShared {
    std::atomic<long long> budget{0};  // changes still allowed (--limit); huge without it
    std::atomic<bool> limit_reached{false};
    const StopFlag* stop = nullptr;
};

struct NodeExpireResult {
    explicit NodeExpireResult(size_t max_patterns)
        : selected(max_patterns), changed(max_patterns) {}
    ExpireCounts counts;
    NoTtlPatterns selected;  // keys chosen for a change, by pattern (bytes on a dry run)
    NoTtlPatterns changed;
    bool complete = false;
    bool bytes_denied = false;
    std::string error;
};

/// Walks the keyspace of `conn`'s node and applies the TTLs. `client` only opens connections
/// to the nodes that redirects point to (a migrating slot). Returns normally when the walk
/// ended or was stopped (complete tells which); a lost connection and error replies throw.
class NodeExpire {
  public:
    NodeExpire(Connection& conn, const Client& client, const ExpireOptions& opts,
               ExpireShared& shared, ExpireProgress& progress, NodeExpireResult& result);
    void run();

  private:
    struct Key {
        std::string name;
        long long expire_at = -1;  // PEXPIRETIME
        std::optional<long long> idle_s;
        std::optional<uint64_t> bytes;
        long long new_expire_at = 0;
        std::optional<Redirect> redirect;
    };
    bool walk_pass(const std::string& match, size_t pass);
    /// Reads, decides, logs and changes `keys` on `conn`; keys whose slot moved are followed.
    void apply(Connection& conn, std::vector<Key> keys, int hops);
    void read_facts(Connection& conn, std::vector<Key>& keys, long long& now_ms);
    void follow(std::vector<Key>& keys, int hops);
    long long draw_ttl_ms();
    bool excluded(std::string_view key) const;
    bool stopping() const;

    Connection& conn_;
    const Client& client_;
    const ExpireOptions& opts_;
    ExpireShared& shared_;
    ExpireProgress& progress_;
    NodeExpireResult& result_;
    FingerprintSet seen_;
    RateThrottle throttle_;
    size_t count_;
    bool asking_;
    std::mt19937_64 rng_;
    std::map<std::string, Connection> others_;  // redirect targets, by address
};

}  // namespace redisops
