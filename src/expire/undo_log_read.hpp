// read_undo_log's body (a template: the caller's callback is inlined).
#pragma once

#include <fmt/format.h>

#include <fstream>

#include "util/errors.hpp"
#include "util/text.hpp"

namespace redisops {

template <class F>
UndoLogScan read_undo_log(const std::string& path, F f) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("--undo: cannot read {}", clip_for_message(path, 200)));
    UndoLogScan scan;
    std::string line;
    uint64_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        bool last_without_newline = in.eof();
        if (line.empty() && !last_without_newline) continue;  // a blank line says nothing
        std::optional<UndoRecord> record;
        try {
            record = parse_undo_line(line);
        } catch (const UsageError& e) {
            if (last_without_newline) {
                scan.torn_last_line = true;
                scan.torn_text = clip_for_message(line, 80);
                break;
            }
            throw UsageError(fmt::format("{}:{}: {}", path, number, e.what()));
        }
        ++scan.records;
        f(*record);
    }
    if (in.bad()) throw UsageError(fmt::format("--undo: read error in {}", path));
    return scan;
}

}  // namespace redisops
