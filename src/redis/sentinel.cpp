#include "redis/sentinel.hpp"

#include <fmt/format.h>

#include <thread>

#include "redis/errors.hpp"

namespace redisops {

ConnectionOptions sentinel_options(const ConnectionOptions& opts) {
    ConnectionOptions s;
    s.user = opts.sentinel_user;
    s.password = opts.sentinel_password;
    s.tls = opts.tls;
    s.tls.enabled = opts.sentinel_tls.value_or(opts.tls.enabled);
    s.connect_timeout = opts.connect_timeout;
    // A sentinel answers at once; never wait for one as long as for a slow data command.
    s.command_timeout = opts.connect_timeout;
    s.client_name = opts.client_name;
    return s;
}

namespace {

/// One sentinel's answer, or why it gave none.
std::optional<ServerAddress> ask_sentinel(const ConnectionOptions& sopts,
                                          const ServerAddress& sentinel, const std::string& name,
                                          std::string& why) {
    try {
        Connection c = Connection::open(sopts, sentinel);
        Reply r = c.command_unchecked({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", name});
        if (r.is_error()) {
            why = fmt::format("{}: {}", sentinel.display(), r.error());
            return std::nullopt;
        }
        if (r.is_nil() || r.size() != 2) {
            why = fmt::format("{}: does not know a master named '{}'", sentinel.display(), name);
            return std::nullopt;
        }
        ServerAddress a;
        a.host = std::string(r[0].str());
        a.port = static_cast<int>(r[1].integer());
        return a;
    } catch (const ConnectionError& e) {
        why = e.what();
    } catch (const ReplyError& e) {  // the sentinel's AUTH failed
        why = fmt::format("{}: {}", sentinel.display(), e.what());
    }
    return std::nullopt;
}

}  // namespace

Connection connect_master(const ConnectionOptions& opts) {
    ConnectionOptions sopts = sentinel_options(opts);
    auto deadline = Clock::now() + opts.connect_timeout;
    std::vector<std::string> reasons;
    for (;;) {
        reasons.clear();
        for (const auto& sentinel : opts.sentinels) {
            std::string why;
            auto addr = ask_sentinel(sopts, sentinel, opts.master_name, why);
            if (!addr) {
                reasons.push_back(why);
                continue;
            }
            try {
                Connection c = Connection::open(opts, *addr);
                Reply role = c.command({"ROLE"});
                std::string_view kind = role[0].str();
                if (kind == "master") return c;
                reasons.push_back(fmt::format("{} names {} as master '{}', but it is a {}",
                                              sentinel.display(), addr->display(), opts.master_name,
                                              kind));
            } catch (const ConnectionError& e) {
                reasons.push_back(
                    fmt::format("{} names {}: {}", sentinel.display(), addr->display(), e.what()));
            }
        }
        if (Clock::now() + std::chrono::milliseconds(250) >= deadline) break;
        // A failover in progress: the sentinels agree on the new master within moments.
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    std::string all;
    for (const auto& r : reasons) all += "; " + r;
    throw ConnectionError(
        fmt::format("no sentinel gave a reachable master for '{}'{}", opts.master_name, all));
}

}  // namespace redisops
