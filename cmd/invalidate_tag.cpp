// `invalidate-tag TAG… [--dry-run]`: deletes every key of each tag; prints the count.
#include "cache/entry.hpp"
#include "cache/tag_invalidation.hpp"
#include "context.hpp"
#include "print_acl.hpp"
#include "redis/errors.hpp"
#include "util/text.hpp"

namespace redisops {
namespace {

struct InvalidateFlags {
    std::vector<std::string> tags;
    std::string prefix;  // --print-acl only: the cached keys, the members of the tag sets
    std::string tag_prefix{kDefaultTagPrefix};
    bool dry_run = false;
    long long batch = 250;
};

int run_invalidate(Context& ctx, const InvalidateFlags& f) {
    if (f.tags.empty()) throw UsageError("invalidate-tag: at least one TAG is required");
    if (f.batch < 1 || f.batch > 100000) throw UsageError("--batch: must be 1 to 100000");
    TagInvalidationOptions opts;
    opts.dry_run = f.dry_run;
    opts.batch = f.batch;
    bool show_progress = !ctx.global.json && ctx.style().err_tty;
    long long total = 0;
    nlohmann::json per_tag = nlohmann::json::array();
    for (const auto& tag : f.tags) {
        if (tag.empty()) throw UsageError("invalidate-tag: empty tag name");
        if (show_progress) {
            opts.progress = [&ctx, &tag](uint64_t seen) {
                ctx.err("\r" + quote_if_needed(tag) + ": " + std::to_string(seen) + " members");
            };
        }
        TagInvalidation r = invalidate_tag(ctx.client(), tag_set_key(f.tag_prefix, tag), opts);
        if (show_progress && r.members > 0) ctx.err("\n");
        total += r.deleted;
        per_tag.push_back({{"tag", to_json_text(tag)},
                           {"key", to_json_text(r.tag_key)},
                           {"deleted", r.deleted},
                           {"tombstones", r.tombstones}});
    }
    if (ctx.global.json) {
        ctx.out(dump_json({{"dry_run", f.dry_run}, {"deleted", total}, {"tags", per_tag}}) + "\n");
    } else {
        ctx.out(std::to_string(total) + "\n");
    }
    return kExitOk;
}

}  // namespace

void setup_invalidate_tag(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand(
        "invalidate-tag", "Delete every key of the tags and the tag sets; prints the count");
    auto f = std::make_shared<InvalidateFlags>();
    // Not ->required(): --print-acl needs no tag (run_invalidate insists on one).
    sub->add_option("tags", f->tags, "Tags (at least one)");
    add_print_acl(sub, ctx, "redis-ops-invalidate-tag",
                  [f] { return invalidate_tag_acl(f->prefix, f->tag_prefix); });
    sub->add_option("--prefix", f->prefix,
                    "With --print-acl: the prefix of the tagged keys (default: every key)");
    sub->add_flag("--dry-run", f->dry_run, "Only count the keys that would be deleted");
    sub->add_option("--tag-prefix", f->tag_prefix, "Prefix of tag set keys")->capture_default_str();
    sub->add_option("--batch", f->batch, "Members per SSCAN page and UNLINK")
        ->capture_default_str();
    sub->callback([&ctx, f] { ctx.action = [&ctx, f] { return run_invalidate(ctx, *f); }; });
}

}  // namespace redisops
