// libFuzzer: the argv walk and the name tables take any words (split at NUL bytes): they
// return a diagnosis or throw UsageError, never crash, and a message never grows without bound.
#include <cstdint>
#include <string>
#include <vector>

#include "ratelimit/keys.hpp"
#include "util/errors.hpp"
#include "util/suggest.hpp"

namespace {

redisops::CommandNode tree() {
    using redisops::CommandNode;
    CommandNode root{"", {"-h", "--host", "--json", "-n"}, {"-h", "--host", "-n"}, {}};
    CommandNode lock{"lock", {}, {}, {}};
    lock.children.push_back({"acquire", {"--prefix", "--ttl"}, {"--prefix", "--ttl"}, {}});
    lock.children.push_back({"release", {"--prefix", "--force"}, {"--prefix"}, {}});
    CommandNode session{"session", {}, {}, {}};
    session.children.push_back({"get", {"--prefix", "--touch"}, {"--prefix"}, {}});
    root.children = {lock, session};
    return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const redisops::CommandNode root = tree();
    std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> words;
    size_t start = 0;
    for (size_t nul; (nul = text.find('\0', start)) != std::string::npos; start = nul + 1) {
        words.push_back(text.substr(start, nul - start));
    }
    words.push_back(text.substr(start));
    auto d = redisops::diagnose_argv(root, words);
    if (auto msg = redisops::diagnosis_message(d, "redis-ops"); msg && msg->size() > 4096) {
        __builtin_trap();  // each word is clipped in messages
    }
    for (const auto& w : words) {
        (void)redisops::closest_name(w, words);
        try {
            (void)redisops::kAlgorithms.parse(w, "--algorithm");
        } catch (const redisops::UsageError&) {
        }
    }
    return 0;
}
