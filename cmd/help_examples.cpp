// Help that teaches: every command's --help shows its purpose, its flags grouped as
// Connection / Behaviour / Output, the global flags it inherits, and two or three examples.
// The subcommand files only bind flags; the layout and the examples live here, keyed by the
// command path, so they are written once and checked by tests/integration/ship_test.cpp.
#include <algorithm>
#include <memory>
#include <sstream>
#include <string_view>

#include "surface.hpp"

namespace redisops {

namespace {

struct Examples {
    const char* path;
    const char* text;
};

constexpr Examples kExamples[] = {
    {"",
     "  redis-ops -p 6380 scan-audit --fail-on no-ttl --max-no-ttl 1%\n"
     "  redis-ops lock run nightly-report --ttl 1m -- ./report.sh\n"
     "  REDIS_URL=rediss://cache.internal:6380 redis-ops cache get user:42:profile"},
    {"cache",
     "  redis-ops cache set page:home --ttl 5m --tag pages < home.html\n"
     "  redis-ops cache fetch gh:releases --ttl 10m -- curl -fsS https://example.com/releases\n"
     "  redis-ops cache ttl page:home --json"},
    {"cache get",
     "  redis-ops cache get page:home > home.html\n  redis-ops cache get user:42 --json"},
    {"cache set",
     "  redis-ops cache set greeting hello --ttl 30s\n"
     "  tar c conf/ | redis-ops cache set conf.tar - --ttl 1h --tag deploy"},
    {"cache del", "  redis-ops cache del page:home page:about"},
    {"cache ttl", "  redis-ops cache ttl page:home\n  redis-ops cache ttl page:home --json"},
    {"cache fetch",
     "  redis-ops cache fetch dns:zone --ttl 5m -- dig +short example.com\n"
     "  redis-ops cache fetch build:deps --ttl 1h --tag ci -- ./resolve-deps.sh"},
    {"invalidate-tag",
     "  redis-ops invalidate-tag pages\n"
     "  redis-ops invalidate-tag deploy ci --dry-run --json"},
    {"session",
     "  id=$(redis-ops session create --user-id 42 --ttl 24h --field role=admin)\n"
     "  redis-ops session get \"$id\" --touch\n"
     "  redis-ops session destroy-all --user-id 42\n"
     "  redis-ops session list --user-id 42 --layout connect-redis --rate 5000\n"
     "  redis-ops session stats --json"},
    {"session create",
     "  redis-ops session create --user-id 42\n"
     "  redis-ops session create --user-id 42 --ttl 1h --field ip=10.0.0.7 --field role=admin"},
    {"session get",
     "  redis-ops session get \"$id\"\n  redis-ops session get \"$id\" --touch --json\n"
     "  redis-ops session get 6b3f0c2e --layout spring --namespace myapp:session"},
    {"session touch",
     "  redis-ops session touch \"$id\" --ttl 2h\n"
     "  redis-ops session touch 'kX3_p9' --layout connect-redis"},
    {"session list",
     "  redis-ops session list --user-id 42\n  redis-ops session list --user-id 42 --json\n"
     "  redis-ops session list --user-id 42 --layout connect-redis --user-field auth.uid\n"
     "  redis-ops session list --user-id alice --layout spring"},
    {"session destroy", "  redis-ops session destroy \"$id\""},
    {"session destroy-all",
     "  redis-ops session destroy-all --user-id 42\n"
     "  redis-ops session destroy-all --user-id 42 --layout auto --rate 2000"},
    {"session stats",
     "  redis-ops session stats\n"
     "  redis-ops session stats --layout connect-redis --top 20 --json"},
    {"lock",
     "  redis-ops lock run deploy --ttl 30s --wait 5m -- ./deploy.sh production\n"
     "  token=$(redis-ops lock acquire deploy --ttl 10m) && redis-ops lock release deploy --token "
     "\"$token\"\n"
     "  redis-ops lock status deploy --json"},
    {"lock acquire",
     "  token=$(redis-ops lock acquire deploy --ttl 10m)\n"
     "  redis-ops lock acquire backup --ttl 1h --wait 30s\n"
     "  redis-ops lock acquire rare-job --fence-ttl 90d"},
    {"lock release",
     "  redis-ops lock release deploy --token \"$token\"\n"
     "  redis-ops lock release deploy --force"},
    {"lock extend", "  redis-ops lock extend deploy --token \"$token\" --ttl 10m"},
    {"lock status",
     "  redis-ops lock status deploy\n  redis-ops lock status celery-beat --prefix '' --json"},
    {"lock list",
     "  redis-ops lock list\n"
     "  redis-ops lock list --match 'deploy-*' --json\n"
     "  redis-ops lock list --prefix '' --match 'celery*'"},
    {"lock run",
     "  redis-ops lock run nightly-report --ttl 1m -- ./report.sh\n"
     "  redis-ops lock run migrate --wait 10m --max-hold 2h -- ./migrate.sh --all"},
    {"ratelimit",
     "  redis-ops ratelimit hit api:client42 --limit 100 --window 1m\n"
     "  redis-ops ratelimit status api:client42 --limit 100 --window 1m --json\n"
     "  redis-ops ratelimit reset api:client42"},
    {"ratelimit hit",
     "  redis-ops ratelimit hit deploys --limit 3 --window 1h || echo 'too many deploys'\n"
     "  redis-ops ratelimit hit api:client42 --limit 100 --window 1m --algorithm gcra --cost 5"},
    {"ratelimit status",
     "  redis-ops ratelimit status api:client42 --limit 100 --window 1m --json"},
    {"ratelimit reset", "  redis-ops ratelimit reset api:client42 --algorithm gcra"},
    {"stream",
     "  redis-ops stream tail orders -f\n"
     "  redis-ops stream tail orders --group billing --consumer worker-1 --create-group --ack -f\n"
     "  redis-ops stream info orders"},
    {"stream tail",
     "  redis-ops stream tail orders --from 0 --format json > orders.jsonl\n"
     "  redis-ops stream tail orders events --from @-5m -f\n"
     "  redis-ops stream tail orders --group billing --consumer w1 --ack -f"},
    {"stream info", "  redis-ops stream info orders\n  redis-ops stream info orders --json"},
    {"pubsub",
     "  redis-ops pubsub tail notifications\n  redis-ops pubsub tail 'events.*' --pattern --format "
     "json"},
    {"pubsub tail",
     "  redis-ops pubsub tail notifications\n  redis-ops pubsub tail 'events.*' --pattern --format "
     "json"},
    {"scan-audit",
     "  redis-ops scan-audit --match 'user:*' --top 20\n"
     "  redis-ops scan-audit --fail-on no-ttl,keys-usage --max-no-ttl 0 --ignore 'config:*'\n"
     "  redis-ops scan-audit --format junit --rate 5000 > audit.xml\n"
     "  redis-ops scan-audit --rdb /backups/dump.rdb --fail-on no-ttl --max-no-ttl 1%\n"
     "  redis-ops -c -h node1 scan-audit --rdb-sync --format json > audit.json\n"
     "  redis-ops scan-audit --format html --output audit.html\n"
     "  redis-ops scan-audit --format prometheus --output /var/lib/node_exporter/audit.prom\n"
     "  redis-ops scan-audit --baseline last-week.json --fail-on no-ttl,big\n"
     "  redis-ops scan-audit --policy redis-policy.yaml --fail-on policy\n"
     "  redis-ops scan-audit --idle-over 90d"},
    {"expire",
     "  redis-ops expire --match 'feed:user:*' --ttl 7d --dry-run\n"
     "  redis-ops expire --match 'feed:user:*' --ttl 7d --jitter 10% --rate 5000 --undo-log "
     "feed.undo\n"
     "  redis-ops expire --undo feed.undo"},
};

// Flags that shape what is printed rather than what is done.
constexpr std::string_view kOutputFlags[] = {"--format", "--json", "--no-color", "--top",
                                             "--quiet",  "--raw",  "--help",     "--version"};

int group_rank(std::string_view group) {
    if (group == "Connection") return 0;
    if (group == "Behaviour") return 1;
    if (group == "Output") return 2;
    return 3;
}

std::string path_of(const CLI::App* app) {
    std::string path;
    for (const CLI::App* a = app; a && a->get_parent(); a = a->get_parent()) {
        if (!path.empty()) path.insert(0, 1, ' ');
        path.insert(0, a->get_name());
    }
    return path;
}

/// "-u/--url, -h/--host, …" wrapped under a label.
std::string flag_summary(const std::string& label, const std::vector<const CLI::Option*>& opts) {
    std::string out = "  " + label;
    out.resize(14, ' ');
    size_t col = out.size();
    for (size_t i = 0; i < opts.size(); ++i) {
        std::string name;
        for (const auto& s : opts[i]->get_snames()) name += "-" + s + "/";
        name += "--" + opts[i]->get_lnames().front() + (i + 1 < opts.size() ? "," : "");
        if (col + name.size() + 1 > 96 && col > 14) {
            out += "\n" + std::string(14, ' ');
            col = 14;
        } else if (col > 14) {
            out += ' ';
            ++col;
        }
        out += name;
        col += name.size();
    }
    return out + "\n";
}

class HelpLayout : public CLI::Formatter {
  public:
    std::string make_help(const CLI::App* app, std::string name,
                          CLI::AppFormatMode mode) const override {
        if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
        std::stringstream out;
        out << make_description(app) << make_usage(app, name) << make_positionals(app);
        out << ordered_groups(app) << make_subcommands(app, mode);
        if (app->get_parent()) out << '\n' << inherited_flags(app);
        out << '\n' << make_footer(app);
        return out.str();
    }

  private:
    std::string ordered_groups(const CLI::App* app) const {
        std::vector<std::string> groups = app->get_groups();
        std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
            return group_rank(a) < group_rank(b);
        });
        std::string out;
        for (const auto& group : groups) {
            auto opts = app->get_options([&](const CLI::Option* o) {
                return o->get_group() == group && o->nonpositional();
            });
            if (group.empty() || opts.empty()) continue;
            out += make_group(group, false, opts);
        }
        return out;
    }

    // Global flags are registered on the root only (subcommands fall through to it), so a
    // subcommand's help names them here instead of leaving them out.
    std::string inherited_flags(const CLI::App* app) const {
        const CLI::App* root = app;
        while (root->get_parent()) root = root->get_parent();
        std::string out = "Global flags (before or after the subcommand; see redis-ops --help):\n";
        for (const char* group : {"Connection", "Output"}) {
            auto opts = root->get_options([&](const CLI::Option* o) {
                return o->get_group() == group && !o->get_lnames().empty() &&
                       o != root->get_help_ptr() && o != root->get_version_ptr();
            });
            if (!opts.empty()) out += flag_summary(std::string(group) + ":", opts);
        }
        return out;
    }
};

void lay_out(CLI::App* app, const std::shared_ptr<HelpLayout>& layout) {
    app->formatter(layout);
    for (CLI::Option* opt : app->get_options()) {
        if (opt->get_group() != "Options") continue;  // grouped by its own file, or hidden
        bool output = std::any_of(std::begin(kOutputFlags), std::end(kOutputFlags), [&](auto f) {
            return opt->check_lname(std::string(f.substr(2)));
        });
        opt->group(output ? "Output" : "Behaviour");
    }
    std::string path = path_of(app);
    for (const auto& e : kExamples) {
        if (path != e.path) continue;
        std::string existing = app->get_footer();
        app->footer(std::string("Examples:\n") + e.text +
                    (existing.empty() ? "" : "\n\n" + existing));
    }
    for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) lay_out(sub, layout);
}

}  // namespace

void add_help_layout(CLI::App& root) { lay_out(&root, std::make_shared<HelpLayout>()); }

}  // namespace redisops
