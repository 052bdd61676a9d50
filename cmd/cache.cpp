// Placeholder until the capability lands.
#include "context.hpp"
#include "redis/errors.hpp"

namespace redisops {

void setup_cache(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("cache", "(not implemented yet)");
    sub->callback([&ctx] {
        ctx.action = [] () -> int { throw UsageError("cache is not implemented yet"); };
    });
}

}  // namespace redisops
