// The fish completion script (the bash and zsh ones are in completion_scripts.cpp).
#include "completion_scripts.hpp"
#include "completion_text.hpp"

namespace redisops {

using namespace completion;

std::string fish_completion(const std::vector<CommandInfo>& tree) {
    std::string out = "# fish completion for redis-ops\n" + comment(kHeader) + "\n";
    out +=
        "function __redis_ops_subcommands --description 'The subcommands of command $argv[1]'\n"
        "    switch $argv[1]\n";
    for (const auto& cmd : tree) {
        if (cmd.children.empty()) continue;
        out += "        case " + fq(cmd.joined()) + "\n            printf '%s\\n' " +
               join(cmd.children, " ") + "\n";
    }
    out += "    end\nend\n\n";

    auto fish_case = [](const std::vector<const FlagInfo*>& flags, const std::string& indent) {
        std::vector<std::string> names = valued_names(flags);
        if (names.empty()) return std::string();
        return indent + "switch $argv[2]\n" + indent + "    case " + join(names, " ") + "\n" +
               indent + "        return 0\n" + indent + "end\n";
    };
    out +=
        "function __redis_ops_valued --description 'Does flag $argv[2] take a value in $argv[1]'\n";
    out += fish_case(pointers(tree.front().flags), "    ");
    out += "    switch $argv[1]\n";
    for (const auto& cmd : tree) {
        if (cmd.path.empty()) continue;
        std::string arms = fish_case(scoped_flags(tree, cmd), "            ");
        if (!arms.empty()) out += "        case " + fq(cmd.joined()) + "\n" + arms;
    }
    out += "    end\n    return 1\nend\n\n";

    out +=
        "function __redis_ops_runs_command --description 'Does command $argv[1] run the words "
        "after --'\n";
    std::vector<std::string> runners;
    for (const auto& cmd : tree) {
        if (cmd.runs_command) runners.push_back(fq(cmd.joined()));
    }
    if (!runners.empty()) {
        out += "    switch $argv[1]\n        case " + join(runners, " ") +
               "\n            return 0\n    end\n";
    }
    out += "    return 1\nend\n\n";

    out +=
        R"SH(function __redis_ops_path --description 'The redis-ops command being completed, as "lock acquire"'
    set -l words (commandline -opc)
    set -e words[1]
    set -l cmdpath ''
    set -l skip 0
    for word in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $word
            case --
                if __redis_ops_runs_command "$cmdpath"
                    printf '%s\n' --  # the words after it are a command line of their own
                    return
                end
                break
            case '-*=*'
            case '-*'
                if __redis_ops_valued "$cmdpath" $word
                    set skip 1
                end
            case '*'
                if contains -- $word (__redis_ops_subcommands "$cmdpath")
                    if test -z "$cmdpath"
                        set cmdpath $word
                    else
                        set cmdpath "$cmdpath $word"
                    end
                end
        end
    end
    echo $cmdpath
end

function __redis_ops_at --description 'Is the command being completed exactly $argv[1]'
    set -l p (__redis_ops_path)
    test "$p" = "$argv[1]"
end

function __redis_ops_in --description 'Is the command being completed $argv[1] or below it'
    set -l p (__redis_ops_path)
    test "$p" = "$argv[1]"; or string match -q -- "$argv[1] *" "$p"
end

function __redis_ops_ran --description 'Is the word being completed part of the command after --'
    test "$(__redis_ops_path)" = --
end

function __redis_ops_run_args --description 'Completes the command line after -- as its own'
    set -l words (commandline -opc)
    set -l i (contains -i -- -- $words)
    set -l before (string escape -- $words[(math $i + 1)..-1])
    complete -C "$before $(commandline -ct)"
end

complete -c redis-ops -f
complete -c redis-ops -n __redis_ops_ran -x -a '(__redis_ops_run_args)'
)SH";
    for (const auto& cmd : tree) {
        for (size_t i = 0; i < cmd.children.size(); ++i) {
            out += "complete -c redis-ops -n " + fq("__redis_ops_at " + fq(cmd.joined())) + " -a " +
                   cmd.children[i] + " -d " + fq(first_line(cmd.child_descriptions[i])) + "\n";
        }
    }
    for (const auto& cmd : tree) {
        for (const auto& f : cmd.flags) {
            std::string line = "complete -c redis-ops";
            if (f.root_only) {
                line += " -n " + fq("__redis_ops_at ''");
            } else if (cmd.path.empty()) {
                line += " -n 'not __redis_ops_ran'";
            } else {
                line += " -n " + fq("__redis_ops_in " + fq(cmd.joined()));
            }
            for (const auto& n : f.names) {
                if (n.starts_with("--")) {
                    line += " -l " + n.substr(2);
                } else {
                    line += (n.size() == 2 ? " -s " : " -o ") + n.substr(1);
                }
            }
            if (f.takes_value) {
                if (f.value != FlagInfo::Value::kAny) {
                    line += " -r -F";
                } else if (f.choices.empty()) {
                    line += " -x";
                } else {
                    line += " -x -a " + fq(join(f.choices, " "));
                }
            }
            out += line + " -d " + fq(first_line(f.description)) + "\n";
        }
    }
    return out;
}

}  // namespace redisops
