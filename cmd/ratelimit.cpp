// Placeholder until the capability lands.
#include "context.hpp"
#include "redis/errors.hpp"

namespace redisops {

void setup_ratelimit(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("ratelimit", "(not implemented yet)");
    sub->callback([&ctx] {
        ctx.action = [] () -> int { throw UsageError("ratelimit is not implemented yet"); };
    });
}

}  // namespace redisops
