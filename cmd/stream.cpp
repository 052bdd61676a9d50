// Placeholder until the capability lands.
#include "context.hpp"
#include "redis/errors.hpp"

namespace redisops {

void setup_stream(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("stream", "(not implemented yet)");
    sub->callback([&ctx] {
        ctx.action = [] () -> int { throw UsageError("stream is not implemented yet"); };
    });
}

}  // namespace redisops
