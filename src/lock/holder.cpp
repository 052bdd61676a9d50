#include "lock/holder.hpp"

#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace redisops {
namespace {

bool shell_safe(std::string_view word) {
    if (word.empty()) return false;
    for (unsigned char ch : word) {
        bool ok =
            (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            std::string_view("-_./=:,+@%").find(static_cast<char>(ch)) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

std::string shell_quote(std::string_view word) {
    if (shell_safe(word)) return std::string(word);
    std::string out = "'";
    for (char ch : word) {
        if (ch == '\'') {
            out += "'\\''";
        } else {
            out += ch;
        }
    }
    return out + "'";
}

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "";
    return buf;
}

std::string user_name() {
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
    if (const char* u = std::getenv("USER")) return u;
    return std::to_string(::geteuid());
}

long long to_ll(std::string_view s) {
    long long v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

}  // namespace

std::string shell_join(const std::vector<std::string>& argv, size_t max) {
    std::string out;
    for (const auto& word : argv) {
        if (!out.empty()) out += ' ';
        out += shell_quote(word);
        if (out.size() > max) break;
    }
    if (out.size() <= max) return out;
    size_t cut = max;
    // Back up over UTF-8 continuation bytes so the record stays valid text.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    return out;
}

LockHolder holder_running(const std::vector<std::string>& argv) {
    return {host_name(), static_cast<long long>(::getpid()), user_name(), shell_join(argv)};
}

LockHolder holder_calling() {
    const pid_t parent = ::getppid();
    std::vector<std::string> argv;
    std::ifstream f("/proc/" + std::to_string(parent) + "/cmdline", std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    size_t start = 0;
    while (start < raw.size()) {
        size_t nul = raw.find('\0', start);
        if (nul == std::string::npos) nul = raw.size();
        argv.push_back(raw.substr(start, nul - start));
        start = nul + 1;
    }
    return {host_name(), static_cast<long long>(parent), user_name(), shell_join(argv)};
}

std::optional<HolderRecord> parse_holder(const Reply& hgetall) {
    if (!hgetall.is_array() || hgetall.size() == 0) return std::nullopt;
    HolderRecord h;
    for (size_t i = 0; i + 1 < hgetall.size(); i += 2) {
        std::string_view field = hgetall[i].str();
        std::string_view value = hgetall[i + 1].str();
        if (field == "host") h.host = value;
        if (field == "pid") h.pid = to_ll(value);
        if (field == "user") h.user = value;
        if (field == "command") h.command = value;
        if (field == "started_at_ms") h.started_at_ms = to_ll(value);
        if (field == "renewals") h.renewals = to_ll(value);
    }
    return h;
}

}  // namespace redisops
