#include "cache/tag_invalidation.hpp"

#include "cache/entry.hpp"
#include "cache/key_batch.hpp"
#include "redis/scan_cursor.hpp"
#include "redis/slot.hpp"
#include "util/random.hpp"

namespace redisops {
namespace {

/// Walks a set with SSCAN and applies `command` (UNLINK or EXISTS) to each page of members.
void drain_set(Client& client, const std::string& set_key, std::string_view command,
               const TagInvalidationOptions& opts, TagInvalidation& result) {
    ScanCursor cursor = ScanCursor::set(set_key, {.count = static_cast<size_t>(opts.batch)});
    do {
        std::vector<std::string> members = cursor.next(client).strings();
        result.members += members.size();
        // SSCAN may return a member twice; UNLINK counts it once, and EXISTS in a dry run
        // scans a set nobody renames, which does not rehash under us in practice.
        if (!members.empty()) result.deleted += sum_over_keys(client, command, members);
        if (opts.progress) opts.progress(result.members);
    } while (!cursor.done());
}

}  // namespace

AclRules invalidate_tag_acl(std::string_view prefix, std::string_view tag_prefix) {
    AclRules rules;
    rules.keys = {prefix_glob(prefix)};
    if (!prefix.empty()) {
        std::string tags = prefix_glob(tag_prefix);
        // Tombstones and registries are "{<tag set>}:…", or "<tag set>:…" with a hash tag.
        rules.keys.push_back(tags);
        rules.keys.push_back("{" + tags + "}:*");
    }
    rules.add_commands(kInvalidateTagCommands);
    return rules;
}

std::string tombstone_registry_key(std::string_view tag_key) {
    return same_slot_key(tag_key, ":tombstones");
}

std::string new_tombstone_key(std::string_view tag_key) {
    return same_slot_key(tag_key, ":tombstone:" + random_hex(8));
}

TagInvalidation invalidate_tag(Client& client, const std::string& tag_key,
                               const TagInvalidationOptions& opts) {
    static const Script tombstone_script("tag_tombstone");
    static const Script drop_script("tag_tombstone_drop");
    TagInvalidation result;
    result.tag_key = tag_key;
    const std::string registry = tombstone_registry_key(tag_key);

    if (opts.dry_run) {
        // Count what a real run would delete: the live set and every undrained tombstone.
        // SSCAN of a missing key is an empty page; of a non-set, WRONGTYPE (exit 4).
        drain_set(client, tag_key, "EXISTS", opts, result);
        for (const auto& tomb :
             client.command_for_key(registry, {"SMEMBERS", registry}).strings()) {
            drain_set(client, tomb, "EXISTS", opts, result);
            ++result.tombstones;
        }
        return result;
    }

    Reply pending =
        client.eval(tombstone_script, {tag_key, new_tombstone_key(tag_key), registry}, {});
    for (const auto& tomb : pending.strings()) {
        drain_set(client, tomb, "UNLINK", opts, result);
        client.eval(drop_script, {tomb, registry}, {});
        ++result.tombstones;
    }
    return result;
}

}  // namespace redisops
