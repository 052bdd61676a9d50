// libFuzzer: an undo log line parses or throws UsageError; what parses writes back to a line
// that parses to the same record.
#include <cstdint>
#include <string>

#include "expire/undo_log.hpp"
#include "util/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string line(reinterpret_cast<const char*>(data), size);
    try {
        redisops::UndoRecord r = redisops::parse_undo_line(line);
        std::string again = redisops::undo_line(r);
        redisops::UndoRecord back =
            redisops::parse_undo_line(std::string_view(again).substr(0, again.size() - 1));
        if (back.key != r.key || back.new_expire_at_ms != r.new_expire_at_ms ||
            back.old_expire_at_ms != r.old_expire_at_ms) {
            __builtin_trap();
        }
    } catch (const redisops::UsageError&) {
    }
    return 0;
}
