// `redis-ops completions bash|zsh|fish|tree` (hidden): writes shell completions generated from
// the binary's own command tree, so they cannot drift from the flags. completions/ holds the
// committed output (scripts/regen-docs.sh), and a test fails when the two differ. `tree` is a
// plain listing of every command and flag, for the man-page sync test.
#include <fmt/format.h>

#include <string>

#include "choices.hpp"
#include "cli_tree.hpp"
#include "completion_scripts.hpp"
#include "completion_text.hpp"
#include "context.hpp"

namespace redisops {

namespace {

enum class Shell { Bash, Zsh, Fish, Tree };

constexpr EnumTable kShells{
    "shell", std::array{
                 EnumName<Shell>{"bash", Shell::Bash, "bash completion script"},
                 EnumName<Shell>{"zsh", Shell::Zsh, "zsh completion function (_redis-ops)"},
                 EnumName<Shell>{"fish", Shell::Fish, "fish completions"},
                 EnumName<Shell>{"tree", Shell::Tree, "a listing of every command and flag"},
             }};

std::string tree_listing(const std::vector<CommandInfo>& tree) {
    std::string out;
    for (const auto& cmd : tree) {
        out += "command\t" + cmd.joined() + "\t\t\n";
        for (const auto& f : cmd.flags) {
            // Every command has --help; the man pages document it once, in redis-ops(1).
            if (!cmd.path.empty() && f.names == std::vector<std::string>{"--help"}) continue;
            out += fmt::format("flag\t{}\t{}\t{}\n", cmd.joined(), completion::join(f.names, ","),
                               completion::join(f.choices, ","));
        }
    }
    return out;
}

}  // namespace

void setup_completions(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("completions", "Print shell completions for redis-ops");
    sub->group("");  // hidden: not a user-facing command, and not listed in --help
    auto shell = std::make_shared<std::string>();
    sub->add_option("shell", *shell, described(kShells))->required()->check(one_of(kShells));
    sub->footer(
        "Install: redis-ops completions bash > /etc/bash_completion.d/redis-ops\n"
        "         redis-ops completions zsh > \"${fpath[1]}/_redis-ops\"\n"
        "         redis-ops completions fish > ~/.config/fish/completions/redis-ops.fish");
    CLI::App* root = &app;
    sub->callback([&ctx, shell, root] {
        ctx.action = [&ctx, shell, root]() -> int {
            auto tree = command_tree(*root);
            switch (kShells.parse(*shell, "shell")) {
                case Shell::Bash:
                    ctx.out(bash_completion(tree));
                    break;
                case Shell::Zsh:
                    ctx.out(zsh_completion(tree));
                    break;
                case Shell::Fish:
                    ctx.out(fish_completion(tree));
                    break;
                case Shell::Tree:
                    ctx.out(tree_listing(tree));
                    break;
            }
            return kExitOk;
        };
    });
}

}  // namespace redisops
