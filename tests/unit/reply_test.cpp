#include "redis/reply.hpp"

#include <doctest/doctest.h>
#include <hiredis/hiredis.h>

#include <memory>

#include "redis/errors.hpp"

using namespace redisops;

namespace {

Reply parse(const std::string& wire) {
    std::unique_ptr<redisReader, void (*)(redisReader*)> r(new_bounded_reader(), redisReaderFree);
    redisReaderFeed(r.get(), wire.data(), wire.size());
    void* out = nullptr;
    REQUIRE(redisReaderGetReply(r.get(), &out) == REDIS_OK);
    REQUIRE(out != nullptr);
    return Reply(static_cast<redisReply*>(out));
}

}  // namespace

TEST_CASE("an array reply announcing more elements than the bound fails without allocating") {
    std::unique_ptr<redisReader, void (*)(redisReader*)> r(new_bounded_reader(), redisReaderFree);
    const std::string wire = "*1211111211\r\n";
    redisReaderFeed(r.get(), wire.data(), wire.size());
    void* out = nullptr;
    CHECK(redisReaderGetReply(r.get(), &out) == REDIS_ERR);
    CHECK(out == nullptr);
    // A real array reads as before.
    std::unique_ptr<redisReader, void (*)(redisReader*)> ok(new_bounded_reader(), redisReaderFree);
    const std::string small = "*3\r\n:1\r\n:2\r\n:3\r\n";
    redisReaderFeed(ok.get(), small.data(), small.size());
    REQUIRE(redisReaderGetReply(ok.get(), &out) == REDIS_OK);
    Reply three(static_cast<redisReply*>(out));
    CHECK(three.view().size() == 3);
}

TEST_CASE("nil becomes nullopt; bulk strings are binary-safe") {
    CHECK_FALSE(parse("$-1\r\n").opt_str());
    auto r = parse(std::string("$5\r\na\0b\nc\r\n", 12));
    REQUIRE(r.opt_str());
    CHECK(*r.opt_str() == std::string("a\0b\nc", 5));
}

TEST_CASE("a type mismatch names the expected and the actual type") {
    auto r = parse(":42\r\n");
    CHECK(r.integer() == 42);
    try {
        (void)r.str();
        FAIL("no throw");
    } catch (const ReplyTypeError& e) {
        std::string m = e.what();
        CHECK(m.find("expected string") != std::string::npos);
        CHECK(m.find("got integer") != std::string::npos);
    }
}

TEST_CASE("error replies throw ReplyError with the server's code") {
    auto r = parse("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    CHECK(r.is_error());
    try {
        r.check();
        FAIL("no throw");
    } catch (const ReplyError& e) {
        CHECK(e.code() == "WRONGTYPE");
    }
}

TEST_CASE("arrays index safely") {
    auto r = parse("*2\r\n$1\r\na\r\n:7\r\n");
    CHECK(r.size() == 2);
    CHECK(r[0].str() == "a");
    CHECK(r[1].integer() == 7);
    CHECK_THROWS_AS(r[2], ReplyTypeError);
    CHECK(parse("*-1\r\n").size() == 0);
}
