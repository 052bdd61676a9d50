#include <doctest/doctest.h>

#include <string>

#include "audit/audit.hpp"
#include "audit/report.hpp"
#include "audit/report_html.hpp"
#include "util/text.hpp"

using namespace redisops;

namespace {

AuditReport report_with(const std::vector<std::pair<std::string, uint64_t>>& keys,
                        size_t max_patterns = 1000) {
    AuditOptions o;
    o.limits.max_patterns = max_patterns;
    AuditReport r(o);
    for (const auto& [key, bytes] : keys)
        r.tally.add(KeyFacts{key, "string", -1, bytes, std::nullopt}, false);
    r.complete = true;
    return r;
}

}  // namespace

TEST_CASE("the key-size bands count every key once, exactly at their power-of-two edges") {
    MemoryHistogram h;
    const uint64_t values[] = {0,     63,    64,      255,      256,      1023,      1024,
                               65535, 65536, 1048576, 16777215, 16777216, 1ull << 40};
    for (uint64_t v : values) h.add(v);
    auto bands = size_distribution(h);
    REQUIRE(bands.size() == 10);
    uint64_t sum = 0;
    for (const auto& b : bands) sum += b.keys;
    CHECK(sum == h.count());
    CHECK(bands[0].keys == 2);  // 0, 63
    CHECK(bands[1].keys == 2);  // 64, 255
    CHECK(bands[2].keys == 2);  // 256, 1023
    CHECK(bands[3].keys == 1);  // 1024
    CHECK(bands[6].keys == 1);  // 65536
    CHECK(bands[8].keys == 2);  // 1 MiB, 16 MiB - 1
    CHECK(bands[9].keys == 2);  // 16 MiB, 1 TiB
    CHECK_FALSE(bands[9].max_bytes.has_value());
}

TEST_CASE("pattern rows past the limit fold into one other row that keeps the sums") {
    AuditReport r = report_with({{"a:1", 10}, {"a:2", 10}, {"b:1", 500}, {"c:1", 1}, {"d:1", 2}});
    auto by_keys = pattern_rows(r.tally.patterns, false, 2);
    REQUIRE(by_keys.size() == 3);
    CHECK(by_keys[0].pattern == "a:*");
    CHECK(by_keys[2].other);
    CHECK(by_keys[2].keys == 2);
    auto by_bytes = pattern_rows(r.tally.patterns, true, 1);
    CHECK(by_bytes[0].pattern == "b:*");
    CHECK(by_bytes[1].bytes == 23);
    CHECK(r.tally.type_bytes.at("string") == 523);
}

TEST_CASE("Prometheus label values escape quotes, backslashes and newlines and stay UTF-8") {
    AuditReport r = report_with(
        {{"q\"uote", 1}, {"back\\slash", 1}, {"new\nline", 1}, {std::string("bad\xff"), 1}});
    std::string text = audit_prometheus(r, {});
    CHECK(is_valid_utf8(text));
    CHECK(text.find("pattern=\"q\\\"uote\"") != std::string::npos);
    CHECK(text.find("pattern=\"back\\\\slash\"") != std::string::npos);
    CHECK(text.find("pattern=\"new\\nline\"") != std::string::npos);
    CHECK(text.find("pattern=\"bad\xc3\xbf\"") != std::string::npos);
    CHECK(text.find("redis_ops_audit_keys_scanned 4\n") != std::string::npos);
}

TEST_CASE("HTML text: markup is escaped, odd bytes are quoted, long keys are cut on a character") {
    CHECK(html::key_text("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;");
    CHECK(html::key_text("a\"b'c&") == "a&quot;b&apos;c&amp;");
    CHECK(html::key_text(std::string("x\xff<")) == "&quot;x\\xff&lt;&quot;");
    CHECK(html::key_text("new\nline") == "&quot;new\\nline&quot;");
    std::string cut = html::key_text(std::string(10, 'a') + "\xc3\xa9\xc3\xa9", 11);
    CHECK(cut == "aaaaaaaaaa…");
    CHECK(is_valid_utf8(cut));
    CHECK(html::json_island({{"k", "</script><!--\xe2\x80\xa8"}}) ==
          "{\"k\":\"\\u003c/script\\u003e\\u003c!--\\u2028\"}");
    CHECK(html::count(1234567) == "1,234,567");
    CHECK(html::count(1, "key") == "1 key");
    CHECK(html::csp_hash("").starts_with("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));
}
