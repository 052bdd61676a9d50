#include "progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "context.hpp"
#include "util/units.hpp"

namespace redisops {

std::string progress_line(std::string_view label, uint64_t done, std::optional<uint64_t> expected,
                          std::optional<double> fraction, double secs) {
    double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    if (!fraction && expected && *expected > 0) {
        fraction = static_cast<double>(done) / static_cast<double>(*expected);
    }
    std::string line = fmt::format("{}: {} keys", label, done);
    if (fraction) {
        double share = std::clamp(*fraction, 0.0, 1.0);
        line = expected && *expected > 0
                   ? fmt::format("{}: {:.0f}% of ~{} keys", label, 100 * share, *expected)
                   : fmt::format("{}: {:.0f}%, {} keys", label, 100 * share, done);
        if (share > 0 && share < 1 && secs > 0) {
            auto eta = std::chrono::milliseconds(
                static_cast<long long>(1000.0 * secs * (1 - share) / share));
            line += fmt::format(", ETA {}", format_duration(eta));
        }
    }
    return line + fmt::format(", {:.0f} keys/s", rate);
}

std::function<void(uint64_t)> walk_progress(Context& ctx, std::string label) {
    if (!ctx.style().err_tty) return {};
    auto started = std::chrono::steady_clock::now();
    return [&ctx, label = std::move(label), started,
            last = std::chrono::steady_clock::time_point{}](uint64_t keys) mutable {
        auto now = std::chrono::steady_clock::now();
        if (now - last < std::chrono::milliseconds(200)) return;
        last = now;
        double secs = std::chrono::duration<double>(now - started).count();
        ctx.err("\r\x1b[K" + progress_line(label, keys, std::nullopt, std::nullopt, secs));
    };
}

void end_walk_progress(Context& ctx, const std::function<void(uint64_t)>& progress) {
    if (progress) ctx.err("\r\x1b[K");
}

}  // namespace redisops
