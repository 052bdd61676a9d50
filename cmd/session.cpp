// Placeholder until the capability lands.
#include "context.hpp"
#include "redis/errors.hpp"

namespace redisops {

void setup_session(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("session", "(not implemented yet)");
    sub->callback([&ctx] {
        ctx.action = [] () -> int { throw UsageError("session is not implemented yet"); };
    });
}

}  // namespace redisops
