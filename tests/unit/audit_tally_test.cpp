#include <doctest/doctest.h>

#include <random>
#include <set>

#include "audit/audit.hpp"
#include "audit/checks.hpp"
#include "audit/keys_usage.hpp"
#include "audit/report.hpp"
#include "audit/tally.hpp"
#include "redis/errors.hpp"
#include "util/fingerprint_set.hpp"

using namespace redisops;

TEST_CASE("the fingerprint set counts each key once across growth") {
    FingerprintSet s(4);
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 50000; ++i)
            CHECK_EQ(s.insert_key("key:" + std::to_string(i)), round == 0);
    }
    CHECK(s.size() == 50000);
    CHECK(s.capacity() * 3 >= s.size() * 4);
    CHECK(s.insert(0));
    CHECK_FALSE(s.insert(0));
    CHECK(key_fingerprint("a") != key_fingerprint("b"));
    CHECK(key_fingerprint(std::string_view("a\0", 2)) != key_fingerprint("a"));
}

TEST_CASE("memory percentiles are within 1/16 of the exact ones") {
    MemoryHistogram h;
    std::vector<uint64_t> values;
    std::mt19937_64 rng(1);
    for (int i = 0; i < 100000; ++i) {
        uint64_t v = 50 + rng() % 1000000;
        values.push_back(v);
        h.add(v);
    }
    std::sort(values.begin(), values.end());
    for (double q : {0.5, 0.9, 0.99}) {
        auto exact = static_cast<double>(values[static_cast<size_t>(q * values.size()) - 1]);
        auto est = static_cast<double>(h.percentile(q));
        CHECK(est >= exact);
        CHECK(est <= exact * (1 + 1.0 / 16) + 1);
    }
    CHECK(h.percentile(1.0) == values.back());
    CHECK(h.max() == values.back());
    CHECK(MemoryHistogram().percentile(0.5) == 0);
}

TEST_CASE("top keys keep the N largest, largest first, ties by name") {
    TopKeys top(3, TopKeys::By::Bytes);
    for (int i = 0; i < 100; ++i) {
        std::string k = "k" + std::to_string(i);
        top.offer(KeyFacts{k, "string", -1, static_cast<uint64_t>(i % 50), std::nullopt});
    }
    auto s = top.sorted();
    REQUIRE(s.size() == 3);
    CHECK(s[0].bytes == 49);
    CHECK(s[0].key == "k49");
    CHECK(s[1].key == "k99");
    CHECK(s[2].bytes == 48);
}

TEST_CASE("no-TTL patterns past the cap sum into other") {
    NoTtlPatterns p(2);
    for (int i = 0; i < 10; ++i) p.add("a:" + std::to_string(i), 1);
    for (int i = 0; i < 5; ++i) p.add("b:" + std::to_string(i), 2);
    for (int i = 0; i < 3; ++i) p.add("c" + std::to_string(i) + "x:y", 3);  // "c0x" is a word
    auto sorted = p.sorted();
    REQUIRE(sorted.size() == 2);
    CHECK(sorted[0].pattern == "a:*");
    CHECK(sorted[0].keys == 10);
    CHECK(sorted[0].examples.size() == NoTtlPatterns::kExamples);
    CHECK(sorted[1].keys == 5);
    CHECK(p.other().keys == 3);
    CHECK(p.other().bytes == 9);
}

TEST_CASE("ambiguous hex words fold into their starred sibling") {
    NoTtlPatterns p(100);
    p.add("session:abc", 1);  // seen before any id-like sibling
    p.add("session:1f2e", 1);
    p.add("session:cafe", 1);
    p.add("feed:user:1", 1);
    auto s = p.sorted();
    REQUIRE(s.size() == 2);
    CHECK(s[0].pattern == "session:*");
    CHECK(s[0].keys == 3);
}

TEST_CASE("the tally buckets TTLs, excludes ignored keys from no-TTL and finds big keys") {
    TallyLimits l;
    l.big_bytes = 1000;
    l.big_elements = 10;
    KeyspaceTally t(l);
    t.add({"a", "string", -1, 10, 1}, false);
    t.add({"b", "hash", 1000, 2000, 3}, false);
    t.add({"c", "list", 2 * 3600'000LL, 10, 50}, false);
    t.add({"cfg", "string", -1, 10, 1}, true);
    t.add({"d", "zset", 8 * 86400'000LL, 10, 1}, false);
    CHECK(t.keys == 5);
    CHECK(t.no_ttl == 1);
    CHECK(t.ignored == 1);
    CHECK(t.ttl[kNoExpiry] == 2);
    CHECK(t.ttl[kUnder1h] == 1);
    CHECK(t.ttl[kUnder24h] == 1);
    CHECK(t.ttl[kOver7d] == 1);
    CHECK(t.big == 2);
    auto big = t.big_keys();
    REQUIRE(big.size() == 2);
    CHECK(big[0].key == "b");
    CHECK(big[1].key == "c");
    CHECK(t.types.at("string") == 2);

    KeyspaceTally other(l);
    other.add({"e", "string", -1, 5000, 1}, false);
    t.merge(other);
    CHECK(t.keys == 6);
    CHECK(t.big_keys().front().key == "e");
    CHECK(t.no_ttl_patterns.sorted().size() == 2);
}

TEST_CASE("--fail-on and --max-no-ttl parse, and bad values are usage errors") {
    auto checks = parse_fail_on("no-ttl,keys-usage");
    CHECK(checks.size() == 2);
    CHECK_THROWS_AS(parse_fail_on("no-ttl,huge"), UsageError);
    CHECK(parse_no_ttl_limit("5%").percent == 5.0);
    CHECK(parse_no_ttl_limit("12").count == 12);
    CHECK_THROWS_AS(parse_no_ttl_limit("x%"), UsageError);
    CHECK_THROWS_AS(parse_no_ttl_limit("-1"), UsageError);
    CHECK_THROWS_AS(parse_no_ttl_limit("101%"), UsageError);
}

TEST_CASE("INFO lines parse into the fields the audit needs") {
    auto est = parse_info_keyspace(
        "# Keyspace\r\ndb0:keys=10,expires=4,avg_ttl=0\r\ndb3:keys=7,expires=0\r\n", 3);
    CHECK(est.keys == 7);
    CHECK(est.no_ttl() == 7);
    CHECK(info_field("calls=3,usec=10,usec_per_call=3.33", "usec") == "10");
    CHECK(info_field("id=3 addr=1.2.3.4:5 name= cmd=keys", "cmd", ' ') == "keys");
    CHECK(info_field("id=3 addr=1.2.3.4:5 name= cmd=keys", "name", ' ') == "");
}

TEST_CASE("the first online replica is taken from INFO replication") {
    auto none = replica_from_info("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n");
    CHECK_FALSE(none);
    auto r = replica_from_info(
        "role:master\r\nconnected_slaves:2\r\n"
        "slave0:ip=10.0.0.5,port=6380,state=wait_bgsave,offset=0,lag=0\r\n"
        "slave1:ip=10.0.0.6,port=6381,state=online,offset=42,lag=0\r\nmaster_repl_offset:42\r\n");
    REQUIRE(r);
    CHECK(r->host == "10.0.0.6");
    CHECK(r->port == 6381);
}

TEST_CASE("XML escaping keeps JUnit well-formed whatever the key holds") {
    CHECK(xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
    CHECK(xml_escape(std::string("x\x01y\rz\n", 6)) == "x?y?z\n");
}

TEST_CASE("a pattern's TTL p50 is within 1/8 above the true median, min and max exact") {
    SpanHistogram h;
    for (uint64_t v = 1; v <= 1001; ++v) h.add(v * 7919);
    uint64_t truth = 501 * 7919;
    CHECK(h.min() == 7919);
    CHECK(h.max() == 1001 * 7919);
    CHECK(h.percentile(0.5) >= truth);
    CHECK(static_cast<double>(h.percentile(0.5)) <= static_cast<double>(truth) * 1.125);
    SpanHistogram huge;
    huge.add(uint64_t{1} << 50);  // past the last bucket: still the exact max
    CHECK(huge.percentile(0.5) == uint64_t{1} << 50);
}

TEST_CASE("the every-key pattern table keeps no-TTL counts, TTL ranges and idle keys") {
    TallyLimits l;
    l.idle_over_ms = 2000;
    KeyspaceTally t(l);
    t.add({"a:1", "string", -1, 10, std::nullopt, 3, std::nullopt}, false);    // idle over
    t.add({"a:2", "string", -1, 10, std::nullopt, 2, std::nullopt}, false);    // 2 s is not > 2 s
    t.add({"a:3", "string", 5000, 10, std::nullopt, 9, std::nullopt}, false);  // has a TTL
    t.add({"a:4", "string", -1, 10, std::nullopt, 9, std::nullopt}, true);     // --ignore'd
    auto rows = t.patterns.sorted();
    REQUIRE(rows.size() == 1);
    REQUIRE(rows[0].stats);
    CHECK(rows[0].stats->no_ttl == 3);
    CHECK(rows[0].stats->ttl_ms.min() == 5000);
    CHECK(rows[0].stats->idle_over == 1);
    CHECK(rows[0].stats->idle.max() == 9);
    CHECK(t.idle_over == 1);
}
