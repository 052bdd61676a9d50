// libFuzzer: the RDB parser either parses or throws RdbError (a UsageError), never crashes,
// and never allocates much more than the input holds (run with -malloc_limit_mb). The first
// byte picks the reader's chunk size, so refills land at every position.
#include <cstdint>
#include <string>

#include "rdb/parser.hpp"

namespace {

struct Sink : redisops::rdb::RdbVisitor {
    uint64_t bytes = 0;
    void on_key(const redisops::rdb::RdbKey& k) override { bytes += k.bytes + k.key.size(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    size_t chunk = 256 + size_t{data[0]} * 61;
    redisops::rdb::MemorySource src(data + 1, size - 1);
    Sink sink;
    try {
        redisops::rdb::parse_rdb(src, sink, chunk);
    } catch (const redisops::UsageError&) {
    }
    return 0;
}
