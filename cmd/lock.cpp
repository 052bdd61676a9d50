// Placeholder until the capability lands.
#include "context.hpp"
#include "redis/errors.hpp"

namespace redisops {

void setup_lock(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("lock", "(not implemented yet)");
    sub->callback([&ctx] {
        ctx.action = [] () -> int { throw UsageError("lock is not implemented yet"); };
    });
}

}  // namespace redisops
