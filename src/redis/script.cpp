#include "redis/script.hpp"

#include <openssl/sha.h>

#include <stdexcept>

#include "redis/errors.hpp"
#include "util/lua_sources.hpp"

namespace redisops {
namespace {

std::string sha1_hex(std::string_view text) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

std::string embedded(std::string_view name) {
    std::string_view body = embedded_file(lua_sources(), name);
    if (body.empty()) throw std::logic_error("no embedded Lua script named " + std::string(name));
    return std::string(body);
}

}  // namespace

Script::Script(std::string_view name) : Script(std::string(name), embedded(name)) {}

Script::Script(std::string name, std::string body)
    : name_(std::move(name)), body_(std::move(body)), sha_(sha1_hex(body_)) {}

Args Script::evalsha_argv(const Args& keys, const Args& args) const {
    Args argv;
    argv.reserve(3 + keys.size() + args.size());
    argv.push_back("EVALSHA");
    argv.push_back(sha_);
    argv.push_back(std::to_string(keys.size()));
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

Reply Script::call(const Exchange& exchange, const Args& keys, const Args& args) const {
    Args argv = evalsha_argv(keys, args);
    Reply r = exchange(argv);
    if (!r.is_error() || classify_error(r.error()) != ErrorKind::NoScript) return r;
    // NOSCRIPT means the script did not run, so sending it again cannot run it twice.
    Reply loaded = exchange({"SCRIPT", "LOAD", body_});
    if (loaded.is_error()) {
        throw ReplyError(classify_error(loaded.error()),
                         "SCRIPT LOAD of " + name_ + ": " + std::string(loaded.error()));
    }
    if (loaded.str() != sha_) {
        throw ReplyError("SCRIPT LOAD of " + name_ + " returned an unexpected SHA");
    }
    return exchange(argv);
}

Reply Script::run(Connection& conn, const Args& keys, const Args& args) const {
    Reply r = call([&](const Args& argv) { return conn.command_unchecked(argv); }, keys, args);
    r.check();
    return r;
}

}  // namespace redisops
