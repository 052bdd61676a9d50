#include "util/units.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "util/errors.hpp"
#include "util/text.hpp"

namespace redisops {
namespace {

struct Number {
    double value;
    std::string_view suffix;
};

/// Splits "1.5kb" into 1.5 and "kb"; only digits and one '.' make the number.
bool split_number(std::string_view text, Number& out) {
    size_t i = 0;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == 0) return false;
    std::string_view num = text.substr(0, i);
    if (num.front() == '.' || num.back() == '.') return false;
    double v = 0;
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (ec != std::errc() || p != num.data() + num.size() || !std::isfinite(v)) return false;
    out = {v, text.substr(i)};
    return true;
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text, std::string_view flag) {
    auto bad = [&](std::string_view why) {
        return UsageError(
            fmt::format("{}: invalid duration {} ({})", flag, clip_for_message(text), why));
    };
    if (text.empty()) throw bad("empty");
    if (text.front() == '-') throw bad("must not be negative");
    Number n{};
    if (!split_number(text, n)) throw bad("expected e.g. 250ms, 30s, 5m, 2h, 7d");
    double ms_per_unit;
    if (n.suffix.empty() || n.suffix == "s") {
        ms_per_unit = 1000;
    } else if (n.suffix == "ms") {
        ms_per_unit = 1;
    } else if (n.suffix == "m") {
        ms_per_unit = 60e3;
    } else if (n.suffix == "h") {
        ms_per_unit = 3600e3;
    } else if (n.suffix == "d") {
        ms_per_unit = 86400e3;
    } else {
        throw bad("unknown unit; use ms, s, m, h or d");
    }
    double ms = n.value * ms_per_unit;
    // Redis keeps expiry times as 64-bit milliseconds since the epoch; a century is plenty.
    if (ms > 100.0 * 365 * 86400e3) throw bad("too large");
    return std::chrono::milliseconds(static_cast<long long>(std::llround(ms)));
}

void require_positive(std::chrono::milliseconds d, std::string_view flag) {
    if (d.count() <= 0) throw UsageError(fmt::format("{}: must be above zero", flag));
}

std::chrono::milliseconds parse_positive_duration(std::string_view text, std::string_view flag) {
    auto d = parse_duration(text, flag);
    require_positive(d, flag);
    return d;
}

uint64_t parse_size(std::string_view text, std::string_view flag) {
    auto bad = [&](std::string_view why) {
        return UsageError(
            fmt::format("{}: invalid size {} ({})", flag, clip_for_message(text), why));
    };
    if (text.empty()) throw bad("empty");
    if (text.front() == '-') throw bad("must not be negative");
    Number n{};
    if (!split_number(text, n)) throw bad("expected e.g. 512, 100kb, 1mb");
    std::string suffix;
    for (char c : n.suffix)
        suffix += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    double mult;
    if (suffix.empty() || suffix == "b") {
        mult = 1;
    } else if (suffix == "k" || suffix == "kb" || suffix == "kib") {
        mult = 1024.0;
    } else if (suffix == "m" || suffix == "mb" || suffix == "mib") {
        mult = 1024.0 * 1024;
    } else if (suffix == "g" || suffix == "gb" || suffix == "gib") {
        mult = 1024.0 * 1024 * 1024;
    } else {
        throw bad("unknown unit; use b, kb, mb or gb");
    }
    double bytes = n.value * mult;
    if (bytes > 9.0e18) throw bad("too large");
    return static_cast<uint64_t>(std::llround(bytes));
}

long long parse_count(std::string_view text, std::string_view flag, long long min, long long max) {
    long long v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size()) {
        throw UsageError(fmt::format("{}: invalid number {}", flag, clip_for_message(text)));
    }
    if (v < min || v > max) {
        throw UsageError(fmt::format("{}: {} is out of range ({}..{})", flag, v, min, max));
    }
    return v;
}

double parse_percent(std::string_view text, std::string_view flag, double max) {
    std::string_view num = text.substr(0, text.empty() ? 0 : text.size() - 1);
    double v = -1;
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (!text.ends_with("%") || num.empty() || ec != std::errc() || p != num.data() + num.size() ||
        !(v >= 0 && v <= max)) {
        throw UsageError(fmt::format("{}: invalid percentage '{}' (0%..{}%)", flag,
                                     clip_for_message(text), max));
    }
    return v;
}

std::string format_duration(std::chrono::milliseconds d) {
    long long ms = d.count();
    if (ms < 0) return fmt::format("-{}", format_duration(std::chrono::milliseconds(-ms)));
    if (ms < 1000) return fmt::format("{}ms", ms);
    if (ms < 60'000) return fmt::format("{:.3g}s", static_cast<double>(ms) / 1000.0);
    long long s = ms / 1000;
    if (s < 3600)
        return s % 60 ? fmt::format("{}m{}s", s / 60, s % 60) : fmt::format("{}m", s / 60);
    if (s < 86400) {
        long long m = (s % 3600) / 60;
        return m ? fmt::format("{}h{}m", s / 3600, m) : fmt::format("{}h", s / 3600);
    }
    long long h = (s % 86400) / 3600;
    return h ? fmt::format("{}d{}h", s / 86400, h) : fmt::format("{}d", s / 86400);
}

std::string format_size(uint64_t bytes) {
    if (bytes < 1024) return fmt::format("{} B", bytes);
    static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int u = -1;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        ++u;
    }
    return fmt::format("{:.1f} {}", v, kUnits[u]);
}

}  // namespace redisops
