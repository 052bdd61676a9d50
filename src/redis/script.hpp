// A server-side Lua script, run by EVALSHA with one SCRIPT LOAD on NOSCRIPT.
#pragma once

#include <string>
#include <string_view>

#include "redis/connection.hpp"

namespace redisops {

class Script {
public:
    /// The embedded lua/<name>.lua; throws std::logic_error if there is none (a build bug).
    explicit Script(std::string_view name);
    Script(std::string name, std::string body);

    const std::string& name() const { return name_; }
    const std::string& body() const { return body_; }
    const std::string& sha() const { return sha_; }

    /// EVALSHA; on NOSCRIPT, SCRIPT LOAD and one retry. A timeout is never retried: the
    /// script may have run. Error replies throw ReplyError.
    Reply run(Connection& conn, const Args& keys, const Args& args) const;
    /// The EVALSHA argv, for pipelines.
    Args evalsha_argv(const Args& keys, const Args& args) const;

private:
    std::string name_;
    std::string body_;
    std::string sha_;
};

}  // namespace redisops
