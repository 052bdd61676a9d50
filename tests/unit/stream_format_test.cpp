#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "redis/errors.hpp"
#include "stream/format.hpp"
#include "stream/template.hpp"

using namespace redisops;

namespace {
std::string render(const EntryFormat& f, const StreamEntry& e) {
    std::string out;
    f.append(out, e);
    return out;
}
}  // namespace

TEST_CASE("text lines quote like redis-cli and name the stream only when several") {
    StreamEntry e{"orders", "1-0", {{"type", "paid"}, {"note", "two words"}}};
    CHECK(render(EntryFormat::parse("text", false, false), e) ==
          "1-0 type paid note \"two words\"\n");
    CHECK(render(EntryFormat::parse("text", false, true), e) ==
          "orders 1-0 type paid note \"two words\"\n");
}

TEST_CASE("JSON lines are binary-safe and keep field order") {
    std::string bin("\xff\x00z", 3);
    StreamEntry e{"s", "2-1", {{"b", "x\"y\n"}, {"a", bin}}};
    std::string line = render(EntryFormat::parse("text", true, false), e);
    REQUIRE(line.back() == '\n');
    auto j = nlohmann::json::parse(line);
    CHECK(j["stream"] == "s");
    CHECK(j["id"] == "2-1");
    CHECK(j["fields"]["b"] == "x\"y\n");
    CHECK(j["fields"]["a"] == std::string("\u00ff") + std::string(1, '\0') + "z");
    CHECK(line.find("\"b\"") < line.find("\"a\""));
}

TEST_CASE("a repeated field name keeps every value, in order, as an array") {
    StreamEntry e{"s", "1-0", {{"a", "1"}, {"b", "2"}, {"a", "3"}}};
    auto j = nlohmann::json::parse(render(EntryFormat::parse("json", false, false), e));
    CHECK(j["fields"]["a"] == nlohmann::json::array({"1", "3"}));
    CHECK(j["fields"]["b"] == "2");
}

TEST_CASE("templates fill placeholders, escapes and literal braces") {
    StreamEntry e{"s", "7-0", {{"type", "t1"}, {"payload", "raw bytes"}}};
    auto f = EntryFormat::parse(
        "{id} {field:type} {field:payload} {field:none}|{{x}}\\t{stream}\\n", false, false);
    CHECK(render(f, e) == "7-0 t1 raw bytes |{x}\ts\n");
    auto all = EntryFormat::parse("{fields}\\n", false, false);
    CHECK(render(all, e) == "type t1 payload \"raw bytes\"\n");
}

TEST_CASE("bad templates are usage errors") {
    for (const char* bad : {"{id", "{nope}", "id}", "{field}", "{field:}", "{id:x}", "\\q{id}",
                            "{id}\\", "plain words", "jsn"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(EntryFormat::parse(bad, false, false), UsageError);
    }
}

TEST_CASE("pubsub messages print as text, JSON and templates") {
    PubSubMessage m{"news", std::string_view("n*"), "hello world"};
    std::string out;
    MessageFormat::parse("text", false, true).append(out, m);
    CHECK(out == "n* news \"hello world\"\n");
    out.clear();
    MessageFormat::parse("json", false, false).append(out, m);
    auto j = nlohmann::json::parse(out);
    CHECK(j["pattern"] == "n*");
    CHECK(j["message"] == "hello world");
    out.clear();
    MessageFormat::parse("{channel}:{message}\\n", false, false)
        .append(out, {"c", std::nullopt, "m"});
    CHECK(out == "c:m\n");
    out.clear();
    MessageFormat::parse("json", false, false).append(out, {"c", std::nullopt, "m"});
    CHECK_FALSE(nlohmann::json::parse(out).contains("pattern"));
}

TEST_CASE("random templates either parse or are usage errors, never anything else") {
    const std::string alphabet = "{}\\:ntidfel xsr";
    uint32_t seed = 12345;
    auto next = [&seed] { return seed = seed * 1103515245 + 12345; };
    StreamEntry e{"s", "1-0", {{"f", "v"}}};
    for (int i = 0; i < 5000; ++i) {
        std::string t;
        for (size_t n = next() % 12; n > 0; --n) t += alphabet[(next() >> 8) % alphabet.size()];
        try {
            auto f = EntryFormat::parse(t, false, false);
            std::string out;
            f.append(out, e);
        } catch (const UsageError&) {
        }
    }
}
