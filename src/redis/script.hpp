// A server-side Lua script, run by EVALSHA with one SCRIPT LOAD on NOSCRIPT.
#pragma once

#include <functional>
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

    /// Sends one command to the node the script runs on and returns its reply, error replies
    /// included (a cluster's exchange sends ASKING ahead of each command after an ASK).
    using Exchange = std::function<Reply(const Args&)>;

    /// The one NOSCRIPT path: EVALSHA through `exchange`; on NOSCRIPT (a restart, SCRIPT
    /// FLUSH, a node that never saw it), SCRIPT LOAD there and EVALSHA once more. Other error
    /// replies are returned (a cluster follows MOVED/ASK itself); a failed SCRIPT LOAD throws
    /// ReplyError. A timeout or lost connection propagates and is never resent: the script
    /// may have run.
    Reply call(const Exchange& exchange, const Args& keys, const Args& args) const;
    /// call() on one connection; error replies throw ReplyError.
    Reply run(Connection& conn, const Args& keys, const Args& args) const;
    /// The EVALSHA argv, for pipelines.
    Args evalsha_argv(const Args& keys, const Args& args) const;

  private:
    std::string name_;
    std::string body_;
    std::string sha_;
};

}  // namespace redisops
