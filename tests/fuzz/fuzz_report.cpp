// libFuzzer: arbitrary key bytes (split at NUL) through the Prometheus and HTML reports, and the
// input as an INFO server reply. Both reports must stay valid UTF-8, and no key may add a
// script element to the page.
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/audit.hpp"
#include "audit/report.hpp"
#include "util/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace redisops;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)parse_info_server(text);
    AuditOptions opts;
    opts.limits.max_patterns = 8;
    opts.limits.top = 4;
    AuditReport r(opts);
    long long ttl = -1;
    while (!text.empty()) {
        size_t cut = text.find('\0');
        std::string_view key = text.substr(0, cut);
        r.tally.add(KeyFacts{key, ttl < 0 ? "string" : "hash", ttl, key.size() * 4096, 3}, false);
        ttl = ttl < 0 ? 5000 : -1;
        if (cut == std::string_view::npos) break;
        text.remove_prefix(cut + 1);
    }
    r.server.address = std::string(reinterpret_cast<const char*>(data), size > 64 ? 64 : size);
    std::string prom = audit_prometheus(r, {});
    std::string page = audit_html(r, {});
    if (!is_valid_utf8(prom) || !is_valid_utf8(page)) __builtin_trap();
    size_t scripts = 0;
    for (size_t at = page.find("<script"); at != std::string::npos;
         at = page.find("<script", at + 1))
        ++scripts;
    if (scripts != 2) __builtin_trap();
    return 0;
}
