// Placeholder until the capability lands.
#include "context.hpp"
#include "redis/errors.hpp"

namespace redisops {

void setup_pubsub(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("pubsub", "(not implemented yet)");
    sub->callback([&ctx] {
        ctx.action = [] () -> int { throw UsageError("pubsub is not implemented yet"); };
    });
}

}  // namespace redisops
