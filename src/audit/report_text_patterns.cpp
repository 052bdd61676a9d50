// The table output's view of the every-key pattern table: the patterns that use the most memory
// with their TTL range (and idle times with --idle), and the idle keys without a TTL.
#include "audit/report_text_patterns.hpp"

#include <fmt/format.h>

#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {

namespace {

constexpr size_t kMemoryRows = 15;

std::string ms_text(uint64_t ms) {
    return format_duration(std::chrono::milliseconds(static_cast<long long>(ms)));
}

std::string pattern_name(const PatternRow& p) {
    return p.other ? "(other)" : quote_if_needed(p.pattern);
}

}  // namespace

std::string memory_patterns_section(const OutputStyle& style, const AuditReport& r) {
    const KeyspaceTally& t = r.tally;
    std::string idle = r.options.walk.idle ? idle_source(t) : "";
    std::vector<std::string> head{"PATTERN", "KEYS",    "BYTES",  "NO TTL",
                                  "TTL MIN", "TTL P50", "TTL MAX"};
    if (idle == "freq") {
        head.insert(head.end(), {"FREQ P50", "FREQ MAX"});
    } else if (!idle.empty()) {
        head.insert(head.end(), {"IDLE P50", "IDLE MAX", "IDLE OVER"});
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : pattern_rows(t.patterns, true, kMemoryRows)) {
        PatternStats none;
        const PatternStats& s = p.stats ? *p.stats : none;
        bool ttl = s.ttl_ms.count() > 0;
        std::vector<std::string> row{pattern_name(p),
                                     std::to_string(p.keys),
                                     format_size(p.bytes),
                                     std::to_string(s.no_ttl),
                                     ttl ? ms_text(s.ttl_ms.min()) : "-",
                                     ttl ? ms_text(s.ttl_ms.percentile(0.5)) : "-",
                                     ttl ? ms_text(s.ttl_ms.max()) : "-"};
        bool seen = s.idle.count() > 0;
        if (idle == "freq") {
            row.push_back(seen ? std::to_string(s.idle.percentile(0.5)) : "-");
            row.push_back(seen ? std::to_string(s.idle.max()) : "-");
        } else if (!idle.empty()) {
            row.push_back(seen ? ms_text(s.idle.percentile(0.5) * 1000) : "-");
            row.push_back(seen ? ms_text(s.idle.max() * 1000) : "-");
            row.push_back(std::to_string(s.idle_over));
        }
        rows.push_back(std::move(row));
    }
    if (rows.empty()) return "";
    return render_table(style, head, rows);
}

std::string idle_over_section(const OutputStyle& style, const AuditReport& r) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : pattern_rows(r.tally.patterns)) {
        if (!p.stats || p.stats->idle_over == 0) continue;
        std::string ex;
        for (const auto& k : p.stats->idle_over_examples) {
            if (!ex.empty()) ex += ' ';
            ex += quote_if_needed(k);
        }
        rows.push_back({pattern_name(p), std::to_string(p.stats->idle_over),
                        format_size(p.stats->idle_over_bytes), ex});
    }
    if (rows.empty()) return "";
    return render_table(style, {"PATTERN", "KEYS", "BYTES", "EXAMPLES"}, rows);
}

}  // namespace redisops
