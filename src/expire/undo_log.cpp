#include "expire/undo_log.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "util/output.hpp"
#include "util/output_sink.hpp"
#include "util/random.hpp"
#include "util/text.hpp"

namespace redisops {

std::string undo_line(const UndoRecord& r) {
    nlohmann::json j;
    j["key"] = to_json_text(r.key);
    if (!is_valid_utf8(r.key)) j["key_b64"] = base64url(r.key);
    j["node"] = r.node;
    j["old_pttl_ms"] = r.old_pttl_ms;
    j["old_expire_at_ms"] = r.old_expire_at_ms;
    j["new_expire_at_ms"] = r.new_expire_at_ms;
    return dump_json(j) + "\n";
}

namespace {

long long integer_field(const nlohmann::json& j, const char* name, long long min) {
    auto it = j.find(name);
    if (it == j.end()) throw UsageError(fmt::format("missing \"{}\"", name));
    if (!it->is_number_integer()) throw UsageError(fmt::format("\"{}\" is not an integer", name));
    long long v = it->get<long long>();
    if (v < min) throw UsageError(fmt::format("\"{}\" is out of range ({})", name, v));
    return v;
}

}  // namespace

UndoRecord parse_undo_line(std::string_view line) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw UsageError("not a JSON object");
    UndoRecord r;
    if (auto b64 = j.find("key_b64"); b64 != j.end()) {
        if (!b64->is_string()) throw UsageError("\"key_b64\" is not a string");
        auto bytes = decode_base64url(b64->get<std::string>());
        if (!bytes) throw UsageError("\"key_b64\" is not URL-safe base64");
        r.key = std::move(*bytes);
    } else {
        auto key = j.find("key");
        if (key == j.end() || !key->is_string()) throw UsageError("missing \"key\"");
        r.key = key->get<std::string>();
    }
    if (auto node = j.find("node"); node != j.end() && node->is_string()) {
        r.node = node->get<std::string>();
    }
    r.old_pttl_ms = integer_field(j, "old_pttl_ms", -1);
    r.old_expire_at_ms = integer_field(j, "old_expire_at_ms", -1);
    r.new_expire_at_ms = integer_field(j, "new_expire_at_ms", 1);
    if ((r.old_pttl_ms == -1) != (r.old_expire_at_ms == -1)) {
        throw UsageError(
            "\"old_pttl_ms\" and \"old_expire_at_ms\" disagree on whether there was one");
    }
    return r;
}

UndoLogWriter::UndoLogWriter(std::string path) : path_(std::move(path)) {
    // O_EXCL: never truncate an earlier run's log, the only record of what it changed.
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        int e = errno;
        if (e == EEXIST) {
            throw UsageError(fmt::format(
                "--undo-log: {} exists; an undo log is never overwritten: choose a new file",
                path_));
        }
        throw OutputError(fmt::format("--undo-log: cannot create {}: {}", path_, std::strerror(e)),
                          e);
    }
}

UndoLogWriter::~UndoLogWriter() {
    if (fd_ >= 0) ::close(fd_);
}

void UndoLogWriter::append(std::string_view lines) {
    std::lock_guard lock(mutex_);
    if (failed_) throw OutputError(fmt::format("--undo-log: {} failed earlier", path_), EIO);
    try {
        write_all(fd_, lines);
    } catch (const Error& e) {
        failed_ = true;
        throw OutputError(fmt::format("--undo-log: cannot write {}: {}", path_, e.what()), EIO);
    }
    if (::fdatasync(fd_) != 0) {
        int e = errno;
        failed_ = true;
        throw OutputError(fmt::format("--undo-log: cannot sync {}: {}", path_, std::strerror(e)),
                          e);
    }
}

}  // namespace redisops
