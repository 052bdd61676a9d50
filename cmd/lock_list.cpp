// `redis-ops lock list`: the held locks under a prefix (src/lock/lock_list does the SCAN).
#include "lock_list.hpp"

#include <fmt/format.h>

#include <memory>

#include "lock/lock_list.hpp"
#include "progress.hpp"
#include "util/output.hpp"
#include "util/text.hpp"
#include "util/units.hpp"

namespace redisops {
namespace {

std::chrono::milliseconds held_for(const HolderRecord& h, long long server_now_ms) {
    return std::chrono::milliseconds(std::max(0LL, server_now_ms - h.started_at_ms));
}

std::string ttl_text(const std::optional<std::chrono::milliseconds>& ttl) {
    return ttl ? format_duration(*ttl) : "none";
}

/// "web-3 pid 4242 deploy: ./deploy.sh --prod" for the table's holder column.
std::string holder_cell(const std::optional<HolderRecord>& h) {
    if (!h) return "(not redis-ops)";
    return fmt::format("{} pid {} {}: {}", quote_if_needed(h->host), h->pid,
                       quote_if_needed(h->user), h->command);
}

struct ListOptions {
    LockListOptions list;
    std::string rate = "0";
};

int run_list(Context& ctx, ListOptions& o) {
    o.list.rate = static_cast<double>(parse_count(o.rate, "--rate", 0, 1000000000));
    o.list.progress = walk_progress(ctx, "lock list");
    LockListing found = list_locks(ctx.client(), o.list);
    end_walk_progress(ctx, o.list.progress);
    if (ctx.global.json) {
        nlohmann::json locks = nlohmann::json::array();
        for (const auto& l : found.locks) {
            locks.push_back({{"name", to_json_text(l.name)},
                             {"key", to_json_text(l.key)},
                             {"ttl_ms", l.ttl ? nlohmann::json(l.ttl->count()) : nullptr},
                             {"fence", l.fence},
                             {"holder", holder_json(l.holder, l.server_now_ms)}});
        }
        ctx.out(dump_json({{"prefix", to_json_text(o.list.prefix)},
                           {"match", to_json_text(o.list.match)},
                           {"count", found.locks.size()},
                           {"keys_scanned", found.keys_scanned},
                           {"nodes", found.nodes},
                           {"locks", locks}}) +
                "\n");
        return kExitOk;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : found.locks) {
        std::string held = l.holder ? format_duration(held_for(*l.holder, l.server_now_ms)) : "-";
        rows.push_back({quote_if_needed(l.name), ttl_text(l.ttl), std::to_string(l.fence), held,
                        holder_cell(l.holder)});
    }
    if (!rows.empty()) {
        ctx.out(render_table(ctx.style(), {"NAME", "TTL", "FENCE", "HELD FOR", "HOLDER"}, rows));
    }
    if (ctx.style().tty || rows.empty()) {
        ctx.err(fmt::format("{} held lock{} under prefix {} ({} node{} scanned)\n",
                            found.locks.size(), found.locks.size() == 1 ? "" : "s",
                            quote_repr(o.list.prefix), found.nodes, found.nodes == 1 ? "" : "s"));
    }
    return kExitOk;
}

}  // namespace

nlohmann::json holder_json(const std::optional<HolderRecord>& holder, long long server_now_ms) {
    if (!holder) return nullptr;
    return {{"host", to_json_text(holder->host)},
            {"pid", holder->pid},
            {"user", to_json_text(holder->user)},
            {"command", to_json_text(holder->command)},
            {"started_at_ms", holder->started_at_ms},
            {"held_for_ms", held_for(*holder, server_now_ms).count()},
            {"renewals", holder->renewals}};
}

std::string holder_sentence(const std::optional<HolderRecord>& holder,
                            const std::optional<std::chrono::milliseconds>& ttl, long long fence,
                            long long server_now_ms) {
    std::string expiry = ttl ? "expires in " + format_duration(*ttl) : "no TTL";
    if (!holder) {
        return fmt::format("holder unknown: not taken by redis-ops, {}, fence {}", expiry, fence);
    }
    return fmt::format(
        "held by {} (pid {}, user {}) running `{}` for {}, renewed {} time{}, {}, "
        "fence {}",
        quote_if_needed(holder->host), holder->pid, quote_if_needed(holder->user), holder->command,
        format_duration(held_for(*holder, server_now_ms)), holder->renewals,
        holder->renewals == 1 ? "" : "s", expiry, fence);
}

void setup_lock_list(CLI::App* lock, Context& ctx) {
    auto o = std::make_shared<ListOptions>();
    CLI::App* sub =
        lock->add_subcommand("list", "List held locks with their TTL, holder and fence");
    sub->add_option("--prefix", o->list.prefix,
                    "Key prefix; '' (locks of other libraries under bare names) needs --match")
        ->capture_default_str();
    sub->add_option("--match", o->list.match, "Only locks whose name matches this glob")
        ->capture_default_str();
    sub->add_option("--rate", o->rate, "Scan at most KEYS/S keys a second per node (0: no limit)")
        ->type_name("KEYS/S")
        ->capture_default_str();
    sub->callback([&ctx, o] { ctx.action = [&ctx, o] { return run_list(ctx, *o); }; });
}

}  // namespace redisops
