// Placeholder until the capability lands.
#include "context.hpp"
#include "redis/errors.hpp"

namespace redisops {

void setup_scan_audit(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("scan-audit", "(not implemented yet)");
    sub->callback([&ctx] {
        ctx.action = [] () -> int { throw UsageError("scan-audit is not implemented yet"); };
    });
}

}  // namespace redisops
