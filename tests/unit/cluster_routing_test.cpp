// Pure parts of cluster routing: redirect replies, the CLUSTER SLOTS map, script key checks.
#include <doctest/doctest.h>
#include <hiredis/read.h>

#include <stdexcept>

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
