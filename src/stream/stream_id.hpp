// Stream entry ids ("<ms>-<seq>", two unsigned 64-bit numbers) and the `--from` positions of
// `stream tail`: 0, $, an id, -N (the last N) and @TIME (RFC 3339 UTC or relative, @-5m).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace redisops {

struct StreamId {
    uint64_t ms = 0;
    uint64_t seq = 0;

    auto operator<=>(const StreamId&) const = default;
    bool is_zero() const { return ms == 0 && seq == 0; }
    std::string str() const;
    /// The smallest id after this one (XRANGE has no exclusive start before Redis 6.2).
    StreamId next() const;
    /// The largest id before this one; 0-0 stays 0-0.
    StreamId prev() const;

    /// "ms-seq" or "ms" (seq 0). Throws UsageError naming `what`.
    static StreamId parse(std::string_view text, std::string_view what);
    /// The same for ids Redis sent us; throws ReplyTypeError when it is not an id.
    static StreamId from_reply(std::string_view text);
};

/// Where `--from` starts a tail.
struct FromSpec {
    enum class Kind { Beginning, New, Id, LastN, Time, TimeAgo };
    Kind kind = Kind::LastN;
    StreamId id;           // Id: the first id to print (inclusive)
    uint64_t n = 10;       // LastN
    uint64_t time_ms = 0;  // Time: unix ms; TimeAgo: how far back from the server's TIME

    /// Parses 0, $, an id, -N, @RFC3339 or @-DURATION; throws UsageError naming --from.
    static FromSpec parse(std::string_view text);
};

/// "2026-11-25T10:00:00Z" (optional fraction, Z or ±HH:MM) as unix milliseconds, or nullopt.
std::optional<uint64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace redisops
