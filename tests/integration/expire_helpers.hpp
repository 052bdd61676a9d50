// What the expire tests share: a keyspace loader, expiry reads, the undo log as JSON, and the
// invariant every report keeps.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "redis/pipeline.hpp"

namespace redisops::test {

using nlohmann::json;

constexpr long long kHour = 3600'000;

/// n keys `prefix<i>` without TTL; `with_ttl` more `prefix:ttl:<i>` with a 2h TTL (pexpireat).
inline void load(Connection& c, const std::string& prefix, int n, int with_ttl = 0) {
    long long now = c.command({"TIME"})[0].integer() * 1000;
    Pipeline p(c);
    for (int i = 0; i < n; ++i) p.add({"SET", prefix + std::to_string(i), "v"});
    for (int i = 0; i < with_ttl; ++i) {
        p.add({"SET", prefix + "ttl:" + std::to_string(i), "v", "PXAT",
               std::to_string(now + 2 * kHour + i)});
    }
    for (const auto& r : p.exec()) REQUIRE_FALSE(r.is_error());
}

inline long long expiretime(Connection& c, const std::string& key) {
    return c.command({"PEXPIRETIME", key}).integer();
}
inline long long server_ms(Connection& c) {
    Reply t = c.command({"TIME"});
    return t[0].integer() * 1000 + t[1].integer() / 1000;
}

/// The records of an undo log. A write cut short by a full disk leaves its last line torn (no
/// '\n'): with `torn_ok` that line is dropped, as `expire --undo` drops it.
inline std::vector<json> read_log(const std::string& path, bool torn_ok = false) {
    std::vector<json> out;
    std::ifstream in(path);
    std::stringstream all;
    all << in.rdbuf();
    std::string text = all.str();
    if (torn_ok && !text.empty() && text.back() != '\n') text.erase(text.rfind('\n') + 1);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) out.push_back(json::parse(line));
    return out;
}

inline void check_adds_up(const json& j) {
    CHECK(j["matched"].get<uint64_t>() ==
          j["changed"].get<uint64_t>() + j["would_change"].get<uint64_t>() +
              j["skipped_had_ttl"].get<uint64_t>() +
              j["skipped_changed_meanwhile"].get<uint64_t>() +
              j["skipped_not_idle"].get<uint64_t>() + j["skipped_over_limit"].get<uint64_t>());
}

}  // namespace redisops::test
