// Placeholder until the capability lands.
#include "context.hpp"
#include "redis/errors.hpp"

namespace redisops {

void setup_invalidate_tag(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("invalidate-tag", "(not implemented yet)");
    sub->callback([&ctx] {
        ctx.action = [] () -> int { throw UsageError("invalidate-tag is not implemented yet"); };
    });
}

}  // namespace redisops
