#include "print_acl.hpp"

#include "redis/cluster.hpp"

namespace redisops {

void add_print_acl(CLI::App* sub, Context& ctx, std::string user, std::function<AclRules()> rules) {
    if (sub->get_require_subcommand_min() > 0) sub->require_subcommand(0, 1);
    sub->add_flag_callback(
        "--print-acl",
        [&ctx, user = std::move(user), rules = std::move(rules)] {
            ctx.print_acl = [&ctx, user, rules] {
                AclRules r = rules();
                if (ctx.global.cluster) r.add_commands(kClusterRoutingCommands);
                ctx.out(acl_setuser(r, user) + "\n");
                return 0;
            };
        },
        "Print the ACL SETUSER rules (keys, channels, commands) this needs, and exit");
}

}  // namespace redisops
