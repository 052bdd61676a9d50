#include "stream/stream_id.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "redis/errors.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

bool parse_u64(std::string_view s, uint64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

bool parse_id(std::string_view text, StreamId& out) {
    size_t dash = text.find('-');
    if (dash == std::string_view::npos) {
        out.seq = 0;
        return parse_u64(text, out.ms);
    }
    return parse_u64(text.substr(0, dash), out.ms) && parse_u64(text.substr(dash + 1), out.seq);
}

/// Fixed-width decimal field of an RFC 3339 time; -1 when it is not all digits.
int digits(std::string_view s, size_t pos, size_t len) {
    if (pos + len > s.size()) return -1;
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

std::string StreamId::str() const { return fmt::format("{}-{}", ms, seq); }

StreamId StreamId::next() const {
    if (seq < kMax) return {ms, seq + 1};
    if (ms < kMax) return {ms + 1, 0};
    return *this;
}

StreamId StreamId::prev() const {
    if (seq > 0) return {ms, seq - 1};
    if (ms > 0) return {ms - 1, kMax};
    return *this;
}

StreamId StreamId::parse(std::string_view text, std::string_view what) {
    StreamId id;
    if (!parse_id(text, id)) {
        throw UsageError(
            fmt::format("{}: invalid stream id '{}' (expected MS-SEQ or MS, e.g. "
                        "1700000000000-0)",
                        what, text));
    }
    return id;
}

StreamId StreamId::from_reply(std::string_view text) {
    StreamId id;
    if (!parse_id(text, id)) {
        throw ReplyTypeError(fmt::format("unexpected stream id from Redis: '{}'", text));
    }
    return id;
}

std::optional<uint64_t> parse_rfc3339_ms(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)
    if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':') {
        return std::nullopt;
    }
    int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
    int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
    if (year < 1970 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 60) {
        return std::nullopt;
    }
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int mdays = kDays[month - 1] + (month == 2 && leap(year) ? 1 : 0);
    if (day > mdays) return std::nullopt;
    size_t pos = 19;
    int64_t frac_ms = 0;
    if (pos < s.size() && s[pos] == '.') {
        size_t start = ++pos;
        int scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            frac_ms += int64_t{s[pos] - '0'} * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    int64_t offset_s = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59 || pos + 3 >= s.size() || s[pos + 3] != ':') {
            return std::nullopt;
        }
        offset_s = (int64_t{oh} * 3600 + int64_t{om} * 60) * (s[pos] == '+' ? 1 : -1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    int64_t secs =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
        int64_t{hour} * 3600 + int64_t{minute} * 60 + second - offset_s;
    if (secs < 0) return std::nullopt;
    return static_cast<uint64_t>(secs) * 1000 + static_cast<uint64_t>(frac_ms);
}

FromSpec FromSpec::parse(std::string_view text) {
    FromSpec f;
    if (text.empty()) throw UsageError("--from: empty value (use 0, $, an id, -N or @TIME)");
    if (text == "0") {
        f.kind = Kind::Beginning;
    } else if (text == "$") {
        f.kind = Kind::New;
    } else if (text.front() == '-') {
        f.kind = Kind::LastN;
        if (!parse_u64(text.substr(1), f.n) || f.n == 0) {
            throw UsageError(
                fmt::format("--from: invalid '{}' (-N takes a count above zero, "
                            "e.g. -100)",
                            text));
        }
    } else if (text.front() == '@') {
        std::string_view t = text.substr(1);
        if (t.starts_with('-')) {
            f.kind = Kind::TimeAgo;
            f.time_ms = static_cast<uint64_t>(parse_duration(t.substr(1), "--from").count());
        } else if (auto ms = parse_rfc3339_ms(t)) {
            f.kind = Kind::Time;
            f.time_ms = *ms;
        } else {
            throw UsageError(
                fmt::format("--from: invalid time '{}' (expected e.g. "
                            "@2026-11-25T10:00:00Z or @-5m)",
                            text));
        }
    } else {
        f.kind = Kind::Id;
        f.id = StreamId::parse(text, "--from");
    }
    return f;
}

}  // namespace redisops
