#include "cli_tree.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "choices.hpp"

namespace redisops {

namespace {

// Flags whose value is a path, so shells offer file names.
constexpr std::string_view kFileFlags[] = {"--cacert", "--cert",   "--key",      "--socket",
                                           "--rdb",    "--output", "--undo-log", "--undo"};
constexpr std::string_view kDirFlags[] = {"--cacertdir"};

// Commands whose trailing arguments are a command line run with execvp.
constexpr std::string_view kRunsCommand[] = {"lock run", "cache fetch"};

bool visible(const CLI::App* app) { return !app->get_group().empty(); }

// The validators of choices.hpp (built from the name tables of src/) and CLI::IsMember describe
// themselves as "{a,b,c}" ("{a,b,c},..." for a comma-separated list); CheckedTransformer maps
// as "{a->1,…}".
std::vector<std::string> choices_from_validators(const CLI::Option& opt, bool* is_list) {
    std::string type = opt.get_type_name();
    auto open = type.find('{');
    auto close = type.find('}', open);
    if (open == std::string::npos || close == std::string::npos) return {};
    *is_list = type.compare(close + 1, kListMark.size(), kListMark) == 0;
    std::vector<std::string> out;
    std::string_view body(type.data() + open + 1, close - open - 1);
    while (!body.empty()) {
        auto comma = body.find(',');
        std::string_view item = body.substr(0, comma);
        item = item.substr(0, item.find("->"));
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        body.remove_prefix(comma + 1);
    }
    return out;
}

FlagInfo flag_info(const CLI::Option& opt) {
    FlagInfo f;
    for (const auto& s : opt.get_snames()) f.names.push_back("-" + s);
    for (const auto& l : opt.get_lnames()) f.names.push_back("--" + l);
    f.description = opt.get_description();
    f.takes_value = opt.get_items_expected_max() > 0;  // a flag expects 0 items
    if (f.takes_value) {
        f.type_name = opt.get_type_name();
        f.type_name = f.type_name.substr(0, f.type_name.find(':'));
        f.choices = choices_from_validators(opt, &f.is_list);
        for (const auto& l : opt.get_lnames()) {
            auto is = [&](std::string_view n) { return n == "--" + l; };
            if (std::any_of(std::begin(kFileFlags), std::end(kFileFlags), is)) {
                f.value = FlagInfo::Value::kFile;
            }
            if (std::any_of(std::begin(kDirFlags), std::end(kDirFlags), is)) {
                f.value = FlagInfo::Value::kDir;
            }
        }
    }
    return f;
}

void walk(const CLI::App& app, const std::vector<std::string>& path,
          std::vector<CommandInfo>& out) {
    CommandInfo info;
    info.path = path;
    info.app = &app;
    info.description = app.get_description();
    std::string joined = info.joined();
    info.runs_command = std::find(std::begin(kRunsCommand), std::end(kRunsCommand), joined) !=
                        std::end(kRunsCommand);
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_group().empty() || (opt->get_snames().empty() && opt->get_lnames().empty())) {
            continue;  // hidden, or a positional
        }
        info.flags.push_back(flag_info(*opt));
        info.flags.back().root_only =
            path.empty() && (opt == app.get_help_ptr() || opt == app.get_version_ptr());
    }
    auto subs = app.get_subcommands([](const CLI::App* a) { return visible(a); });
    for (const CLI::App* sub : subs) {
        info.children.push_back(sub->get_name());
        info.child_descriptions.push_back(sub->get_description());
    }
    out.push_back(std::move(info));
    for (const CLI::App* sub : subs) {
        auto child = path;
        child.push_back(sub->get_name());
        walk(*sub, child, out);
    }
}

}  // namespace

std::string CommandInfo::joined() const {
    std::string s;
    for (const auto& p : path) s += (s.empty() ? "" : " ") + p;
    return s;
}

std::vector<CommandInfo> command_tree(const CLI::App& root) {
    std::vector<CommandInfo> out;
    walk(root, {}, out);
    return out;
}

}  // namespace redisops
