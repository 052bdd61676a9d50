// Pure parts of cluster routing: redirect replies, the CLUSTER SLOTS map, script key checks.
#include <doctest/doctest.h>
#include <hiredis/read.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "redis/cluster.hpp"
#include "redis/errors.hpp"

using namespace redisops;

namespace {

/// A Reply parsed from RESP bytes, as a server would have sent them.
Reply parse_resp(const std::string& bytes) {
    std::unique_ptr<redisReader, ReaderDeleter> reader(redisReaderCreate());
    redisReaderFeed(reader.get(), bytes.data(), bytes.size());
    void* raw = nullptr;
    REQUIRE(redisReaderGetReply(reader.get(), &raw) == REDIS_OK);
    REQUIRE(raw != nullptr);
    return Reply(static_cast<redisReply*>(raw));
}

std::string bulk(const std::string& s) {
    return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

std::string node(const std::string& host, int port) {
    return "*3\r\n" + bulk(host) + ":" + std::to_string(port) + "\r\n" + bulk("id" + host);
}

}  // namespace

TEST_CASE("MOVED and ASK replies give the slot and the target") {
    auto moved = parse_redirect("MOVED 3999 127.0.0.1:6381");
    REQUIRE(moved);
    CHECK_FALSE(moved->ask);
    CHECK(moved->slot == 3999);
    CHECK(moved->target.host == "127.0.0.1");
    CHECK(moved->target.port == 6381);

    auto ask = parse_redirect("ASK 0 [::1]:7000");
    REQUIRE(ask);
    CHECK(ask->ask);
    CHECK(ask->slot == 0);
    CHECK(ask->target.host == "::1");
    CHECK(ask->target.port == 7000);
}

TEST_CASE("other errors and malformed redirects are not redirects") {
    CHECK_FALSE(parse_redirect("ERR unknown command"));
    CHECK_FALSE(parse_redirect("MOVEDX 1 h:1"));
    CHECK_FALSE(parse_redirect("ASKING"));
    CHECK_FALSE(parse_redirect("MOVED 16384 127.0.0.1:1"));
    CHECK_FALSE(parse_redirect("MOVED abc 127.0.0.1:1"));
    CHECK_FALSE(parse_redirect("MOVED 12"));
    CHECK_FALSE(parse_redirect("ASK 12 host:notaport"));
}

TEST_CASE("CLUSTER SLOTS becomes one shard per master, with replicas and every range") {
    std::string resp = "*3\r\n";
    resp += "*4\r\n:0\r\n:5460\r\n" + node("10.0.0.1", 7000) + node("10.0.0.4", 7003);
    resp += "*3\r\n:5461\r\n:10922\r\n" + node("10.0.0.2", 7001);
    // A master with two ranges appears twice in CLUSTER SLOTS and once in the map.
    resp += "*3\r\n:10923\r\n:16383\r\n" + node("10.0.0.1", 7000);
    Reply r = parse_resp(resp);
    ServerAddress asked;
    SlotMap m = SlotMap::from_cluster_slots(r.view(), asked);
    REQUIRE(m.shards.size() == 2);
    CHECK(m.masters().size() == 2);
    CHECK(m.shard_for_slot(0)->master.display() == "10.0.0.1:7000");
    CHECK(m.shard_for_slot(5460)->replicas.at(0).display() == "10.0.0.4:7003");
    CHECK(m.shard_for_slot(5461)->master.display() == "10.0.0.2:7001");
    CHECK(m.shard_for_slot(16383)->master.display() == "10.0.0.1:7000");
}

TEST_CASE("an empty host in CLUSTER SLOTS means the node that was asked; gaps stay uncovered") {
    Reply r = parse_resp("*1\r\n*3\r\n:100\r\n:200\r\n" + node("", 7005));
    ServerAddress asked;
    asked.host = "redis.internal";
    SlotMap m = SlotMap::from_cluster_slots(r.view(), asked);
    CHECK(m.shard_for_slot(150)->master.display() == "redis.internal:7005");
    CHECK(m.shard_for_slot(99) == nullptr);
    CHECK(m.shard_for_slot(201) == nullptr);
}

TEST_CASE("a bad slot range in CLUSTER SLOTS is a protocol error") {
    Reply r = parse_resp("*1\r\n*3\r\n:9000\r\n:20000\r\n" + node("h", 1));
    CHECK_THROWS_AS(SlotMap::from_cluster_slots(r.view(), ServerAddress{}), ProtocolError);
}

TEST_CASE("script keys must share a slot: hashtags pass, different slots are a bug") {
    CHECK_NOTHROW(require_same_slot("s", {}));
    CHECK_NOTHROW(require_same_slot("s", {"lock:job", "{lock:job}:fence"}));
    CHECK_NOTHROW(require_same_slot("s", {"{user:1}:a", "{user:1}:b", "x{user:1}"}));
    CHECK_THROWS_WITH_AS(require_same_slot("tagset", {"a", "b"}),
                         doctest::Contains("redis-ops bug: script 'tagset'"), std::logic_error);
}

TEST_CASE("only reading commands count as safe to resend after a lost connection") {
    CHECK(is_read_only_command({"get", "k"}));
    CHECK(is_read_only_command({"XRANGE", "s", "-", "+"}));
    CHECK(is_read_only_command({"MEMORY", "USAGE", "k"}));
    CHECK_FALSE(is_read_only_command({"SLOWLOG", "RESET"}));
    CHECK_FALSE(is_read_only_command({"SET", "k", "v"}));
    CHECK_FALSE(is_read_only_command({"XREADGROUP", "GROUP", "g", "c"}));
    CHECK_FALSE(is_read_only_command({"EVALSHA", "abc", "0"}));
    CHECK_FALSE(is_read_only_command({}));
}

namespace {

/// A RESP2 flat map: *2n, then name and value for each field (values already encoded).
std::string flat_map(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out = "*" + std::to_string(fields.size() * 2) + "\r\n";
    for (const auto& [name, value] : fields) out += bulk(name) + value;
    return out;
}

std::string integer(long long v) { return ":" + std::to_string(v) + "\r\n"; }

/// One CLUSTER SHARDS node, as Redis 7.0 and Valkey 8 describe it.
std::string shard_node(const std::string& endpoint, int port, const std::string& role,
                       const std::string& health = "online", int tls_port = 0) {
    std::vector<std::pair<std::string, std::string>> f = {
        {"id", bulk("id-" + endpoint + std::to_string(port))},
        {"port", integer(port)},
        {"ip", bulk("10.0.0.9")},
        {"endpoint", bulk(endpoint)},
        {"role", bulk(role)},
        {"replication-offset", integer(1)},
        {"health", bulk(health)}};
    if (tls_port) f.insert(f.begin() + 2, {"tls-port", integer(tls_port)});
    return flat_map(f);
}

std::string shard(const std::vector<long long>& ranges, const std::vector<std::string>& nodes) {
    std::string slots = "*" + std::to_string(ranges.size()) + "\r\n";
    for (long long v : ranges) slots += integer(v);
    std::string list = "*" + std::to_string(nodes.size()) + "\r\n";
    for (const auto& n : nodes) list += n;
    return flat_map({{"slots", slots}, {"nodes", list}});
}

std::string shards(const std::vector<std::string>& list) {
    std::string out = "*" + std::to_string(list.size()) + "\r\n";
    for (const auto& s : list) out += s;
    return out;
}

}  // namespace

TEST_CASE("CLUSTER SHARDS: each node by its announced endpoint; offline replicas left out") {
    Reply r = parse_resp(shards({
        shard({0, 100, 200, 8191},
              {shard_node("node-a.cache.internal", 7000, "master"),
               shard_node("node-d.cache.internal", 7003, "replica"),
               shard_node("node-e.cache.internal", 7004, "replica", "loading")}),
        shard({8192, 16383}, {shard_node("node-b.cache.internal", 7001, "master")}),
        shard({}, {shard_node("spare.cache.internal", 7009, "master")}),  // owns no slot
    }));
    SlotMap m = SlotMap::from_cluster_shards(r.view(), ServerAddress{}, false);
    REQUIRE(m.shards.size() == 2);
    CHECK(m.shard_for_slot(0)->master.display() == "node-a.cache.internal:7000");
    CHECK(m.shard_for_slot(150) == nullptr);  // between the shard's two ranges
    CHECK(m.shard_for_slot(8191)->master.display() == "node-a.cache.internal:7000");
    REQUIRE(m.shard_for_slot(0)->replicas.size() == 1);
    CHECK(m.shard_for_slot(0)->replicas[0].display() == "node-d.cache.internal:7003");
    CHECK(m.shard_for_slot(16383)->master.display() == "node-b.cache.internal:7001");
}

TEST_CASE("CLUSTER SHARDS over TLS routes to each node's tls-port; '?' means the node asked") {
    Reply r = parse_resp(shards(
        {shard({0, 16383}, {shard_node("?", 7000, "master", "online", 17000),
                            shard_node("replica.internal", 7001, "replica", "online", 17001)})}));
    ServerAddress asked;
    asked.host = "seed.internal";
    SlotMap m = SlotMap::from_cluster_shards(r.view(), asked, true);
    CHECK(m.shard_for_slot(42)->master.display() == "seed.internal:17000");
    CHECK(m.shard_for_slot(42)->replicas.at(0).display() == "replica.internal:17001");
}

TEST_CASE("a CLUSTER SHARDS reply no server sends is a protocol error, never a crash") {
    ServerAddress asked;
    // Slots but no master.
    Reply no_master = parse_resp(shards({shard({0, 10}, {shard_node("h", 7001, "replica")})}));
    CHECK_THROWS_AS(SlotMap::from_cluster_shards(no_master.view(), asked, false), ProtocolError);
    // A range past the last slot, or backwards.
    Reply past = parse_resp(shards({shard({9000, 20000}, {shard_node("h", 7000, "master")})}));
    CHECK_THROWS_AS(SlotMap::from_cluster_shards(past.view(), asked, false), ProtocolError);
    Reply backwards = parse_resp(shards({shard({10, 5}, {shard_node("h", 7000, "master")})}));
    CHECK_THROWS_AS(SlotMap::from_cluster_shards(backwards.view(), asked, false), ProtocolError);
    // A port no TCP socket has.
    Reply port = parse_resp(shards({shard({0, 1}, {shard_node("h", 70000, "master")})}));
    CHECK_THROWS_AS(SlotMap::from_cluster_shards(port.view(), asked, false), ProtocolError);
    // A field of the wrong type: the reply's shape is wrong (exit 4), not a crash.
    Reply typed = parse_resp(shards({flat_map({{"slots", bulk("0-16383")}, {"nodes", "*0\r\n"}})}));
    CHECK_THROWS_AS(SlotMap::from_cluster_shards(typed.view(), asked, false), ReplyError);
}

TEST_CASE("a CLUSTER SLOTS node port out of range is a protocol error") {
    Reply r = parse_resp("*1\r\n*3\r\n:0\r\n:10\r\n" + node("h", 0));
    CHECK_THROWS_AS(SlotMap::from_cluster_slots(r.view(), ServerAddress{}), ProtocolError);
}
