#include "expire/report.hpp"

#include <fmt/format.h>

#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {

namespace {

constexpr size_t kTextPatternRows = 20;

nlohmann::json counts_json(const ExpireCounts& c) {
    return {{"scanned", c.scanned},
            {"excluded", c.excluded},
            {"vanished", c.vanished},
            {"matched", c.matched},
            {"changed", c.changed},
            {"would_change", c.would_change},
            {"skipped_had_ttl", c.skipped_had_ttl},
            {"skipped_changed_meanwhile", c.skipped_changed_meanwhile},
            {"skipped_not_idle", c.skipped_not_idle},
            {"skipped_over_limit", c.skipped_over_limit},
            {"duplicates", c.duplicates},
            {"redirected", c.redirected}};
}

}  // namespace

nlohmann::json expire_json(const ExpireReport& r) {
    nlohmann::json j = counts_json(r.counts);
    j["complete"] = r.complete;
    j["dry_run"] = r.dry_run;
    j["limit_reached"] = r.limit_reached;
    j["interrupted"] = r.interrupted;
    j["patterns"] = nlohmann::json::array();
    for (const auto& p : r.patterns) {
        j["patterns"].push_back({{"pattern", to_json_text(p.pattern)},
                                 {"keys", p.keys},
                                 {"bytes", p.bytes ? nlohmann::json(*p.bytes) : nullptr},
                                 {"changed", p.changed}});
    }
    j["nodes"] = nlohmann::json::array();
    for (const auto& n : r.nodes) {
        nlohmann::json node = counts_json(n.counts);
        node["address"] = n.address;
        node["complete"] = n.complete;
        if (!n.error.empty()) node["error"] = n.error;
        j["nodes"].push_back(std::move(node));
    }
    j["notes"] = r.notes;
    j["duration_ms"] = r.duration.count();
    return j;
}

std::string expire_text(const ExpireReport& r, const OutputStyle& style) {
    const ExpireCounts& c = r.counts;
    std::string out;
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < r.patterns.size() && i < kTextPatternRows; ++i) {
        const auto& p = r.patterns[i];
        rows.push_back({quote_if_needed(p.pattern), std::to_string(p.keys),
                        p.bytes ? format_size(*p.bytes) : "-",
                        r.dry_run ? "-" : std::to_string(p.changed)});
    }
    if (r.patterns.size() > kTextPatternRows) {
        uint64_t keys = 0, changed = 0;
        for (size_t i = kTextPatternRows; i < r.patterns.size(); ++i) {
            keys += r.patterns[i].keys;
            changed += r.patterns[i].changed;
        }
        rows.push_back({"(more)", std::to_string(keys), "-", std::to_string(changed)});
    }
    if (!rows.empty()) {
        out += render_table(
            style, {"PATTERN", r.dry_run ? "WOULD CHANGE" : "SELECTED", "BYTES", "CHANGED"}, rows);
        out += "\n";
    }
    std::string verb = r.dry_run ? fmt::format("would change {}", c.would_change)
                                 : fmt::format("changed {}", c.changed);
    out += fmt::format(
        "{}{} of {} matched keys ({} scanned, {} excluded); skipped: {} had a TTL, {} changed "
        "meanwhile, {} not idle, {} over --limit; {} vanished\n",
        r.dry_run ? "dry run: " : "", verb, c.matched, c.scanned, c.excluded, c.skipped_had_ttl,
        c.skipped_changed_meanwhile, c.skipped_not_idle, c.skipped_over_limit, c.vanished);
    if (r.nodes.size() > 1) {
        for (const auto& n : r.nodes) {
            out += fmt::format("  {}: {} scanned, {} {}{}\n", n.address, n.counts.scanned,
                               r.dry_run ? n.counts.would_change : n.counts.changed,
                               r.dry_run ? "would change" : "changed",
                               n.complete ? "" : " (cut short: " + n.error + ")");
        }
    }
    if (r.limit_reached) out += "stopped at --limit\n";
    if (r.interrupted) out += "interrupted: the page in flight was finished, nothing after it\n";
    for (const auto& n : r.notes) out += "note: " + n + "\n";
    return out;
}

nlohmann::json undo_json(const UndoReport& r) {
    return {{"complete", r.complete},
            {"dry_run", r.dry_run},
            {"interrupted", r.interrupted},
            {"records", r.records},
            {"done", r.done},
            {"restored", r.restored},
            {"unchanged", r.unchanged},
            {"left_changed", r.left_changed},
            {"gone", r.gone},
            {"torn_last_line", r.torn_last_line},
            {"notes", r.notes},
            {"duration_ms", r.duration.count()}};
}

std::string undo_text(const UndoReport& r) {
    std::string out = fmt::format(
        "{}{} {} of {} records; {} already had their old expiry, {} changed since (left alone), "
        "{} gone\n",
        r.dry_run ? "dry run: " : "", r.dry_run ? "would restore" : "restored", r.restored,
        r.records, r.unchanged, r.left_changed, r.gone);
    if (r.interrupted) out += fmt::format("interrupted after {} records\n", r.done);
    if (!r.error.empty()) out += fmt::format("cut short after {} records: {}\n", r.done, r.error);
    for (const auto& n : r.notes) out += "note: " + n + "\n";
    return out;
}

}  // namespace redisops
