#include "session/session_index.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_set>

#include "redis/errors.hpp"
#include "redis/pipeline.hpp"
#include "redis/scan_cursor.hpp"
#include "redis/slot.hpp"
#include "session/session_field.hpp"
#include "util/random.hpp"
#include "util/text.hpp"

namespace redisops {
namespace {

// SSCAN page size: big enough to amortise round trips, small enough that one page's
// pipeline of reads (or one UNLINK) never holds the server for long.
constexpr size_t kScanCount = 1000;

const Script& detach_script() {
    static const Script s("session_detach_index");
    return s;
}

/// Indexes into `keys`, grouped by the node that serves each key (one group unless Cluster).
/// Nodes are told apart by address, not by Connection&, which the client may move.
std::vector<std::vector<size_t>> group_by_node(Client& client,
                                               const std::vector<std::string>& keys) {
    std::vector<std::vector<size_t>> groups;
    if (keys.empty()) return groups;
    if (!client.options().cluster) {
        groups.emplace_back(keys.size());
        for (size_t i = 0; i < keys.size(); ++i) groups[0][i] = i;
        return groups;
    }
    std::map<std::string, std::vector<size_t>> by_node;
    for (size_t i = 0; i < keys.size(); ++i) {
        by_node[client.connection_for_key(keys[i]).address().display()].push_back(i);
    }
    for (auto& [node, idx] : by_node) groups.push_back(std::move(idx));
    return groups;
}

/// Whether the index exists; a ReplyError when it holds something other than a SET.
bool index_exists(Client& client, const std::string& index) {
    std::string type(client.command_for_key(index, {"TYPE", index}).str());
    if (type == "none") return false;
    if (type != "set") {
        throw ReplyError(fmt::format("WRONGTYPE {} holds a {}, not a set of session ids",
                                     quote_if_needed(index), type));
    }
    return true;
}

/// SSCAN pages of `set`, each page's new ids handed to `page`. SSCAN may repeat an element
/// (after a rehash); `seen` drops repeats when asked. Removing members while scanning is safe:
/// every member present for the whole walk is still returned.
template <typename F>
void scan_members(Client& client, const std::string& set, bool dedupe, F&& page) {
    std::unordered_set<std::string> seen;
    ScanCursor cursor = ScanCursor::set(set, {.count = kScanCount});
    do {
        std::vector<std::string> ids = cursor.next(client).strings();
        if (dedupe) {
            std::erase_if(ids, [&](const std::string& id) { return !seen.insert(id).second; });
        }
        if (!ids.empty()) page(ids);
    } while (!cursor.done());
}

std::vector<std::string> session_keys(const SessionLayout& layout,
                                      const std::vector<std::string>& ids) {
    std::vector<std::string> keys;
    keys.reserve(ids.size());
    for (const auto& id : ids) keys.push_back(layout.session_key(id));
    return keys;
}

/// UNLINKs keys (memory freed in the background), one command per slot so it is valid on a
/// cluster, pipelined per node. Returns how many existed.
size_t unlink_keys(Client& client, const std::vector<std::string>& keys) {
    size_t removed = 0;
    for (const auto& group : group_by_node(client, keys)) {
        std::map<int, Args> by_slot;
        for (size_t i : group) {
            int slot = client.options().cluster ? hash_slot(keys[i]) : 0;
            Args& argv = by_slot[slot];
            if (argv.empty()) argv.push_back("UNLINK");
            argv.push_back(keys[i]);
        }
        Pipeline p(client.connection_for_key(keys[group.front()]));
        for (const auto& [slot, argv] : by_slot) p.add(argv);
        for (const Reply& r : p.exec()) removed += static_cast<size_t>(r.check().integer());
    }
    return removed;
}

}  // namespace

void scan_set_members(Client& client, const std::string& set,
                      const std::function<void(const std::vector<std::string>&)>& page) {
    scan_members(client, set, true, page);
}

std::vector<SessionLookup> read_sessions(Client& client, const std::vector<std::string>& ids,
                                         const std::vector<std::string>& keys,
                                         const SessionLayout& layout) {
    // Plain commands, not lua/session_read.lua: EVALSHA costs the server several times what
    // PTTL + HGETALL do, and a listing needs no atomicity per session. Strings (the JSON
    // layout) answer HGETALL with WRONGTYPE and get a second pipeline of TYPE + PTTL + GET.
    std::vector<SessionLookup> out(keys.size());
    for (const auto& group : group_by_node(client, keys)) {
        Connection& conn = client.connection_for_key(keys[group.front()]);
        Pipeline p(conn);
        for (size_t i : group) {
            p.add({"PTTL", keys[i]});
            p.add({"HGETALL", keys[i]});
        }
        std::vector<Reply> replies = p.exec();
        std::vector<size_t> not_hashes;
        for (size_t k = 0; k < group.size(); ++k) {
            size_t i = group[k];
            const Reply& fields = replies[2 * k + 1];
            if (fields.is_error() && classify_error(fields.error()) == ErrorKind::WrongType) {
                not_hashes.push_back(i);
                continue;
            }
            fields.check();
            // An empty HGETALL is a missing key: Redis never keeps an empty hash.
            if (fields.size() == 0) continue;
            out[i] = decode_session_parts(ids[i], keys[i], "hash", replies[2 * k].check().integer(),
                                          fields.view(), layout);
        }
        if (not_hashes.empty()) continue;
        Pipeline q(client.connection_for_key(keys[not_hashes.front()]));
        for (size_t i : not_hashes) {
            q.add({"TYPE", keys[i]});
            q.add({"PTTL", keys[i]});
            q.add({"GET", keys[i]});
        }
        replies = q.exec();
        for (size_t k = 0; k < not_hashes.size(); ++k) {
            size_t i = not_hashes[k];
            std::string_view type = replies[3 * k].check().str();
            const Reply& value = replies[3 * k + 2];
            // Replaced between the two pipelines (a string gone, a hash now): rare enough to
            // count as not there this time.
            if (type == "hash" || (type == "string" && !value.view().is_string())) continue;
            out[i] = decode_session_parts(ids[i], keys[i], type, replies[3 * k + 1].integer(),
                                          value.view(), layout);
        }
    }
    return out;
}

SessionListing list_sessions(Client& client, const SessionLayout& layout,
                             std::string_view user_id) {
    check_identifier(user_id, "--user-id");
    SessionListing out;
    out.index_key = layout.index_key(user_id);
    if (!index_exists(client, out.index_key)) return out;
    scan_members(client, out.index_key, true, [&](const std::vector<std::string>& ids) {
        std::vector<SessionLookup> found =
            read_sessions(client, ids, session_keys(layout, ids), layout);
        Args srem{"SREM", out.index_key};
        for (size_t i = 0; i < ids.size(); ++i) {
            switch (found[i].state) {
                case SessionLookup::State::Missing:
                    // Ids are never reused and a session is written before its index entry,
                    // so a missing session is gone for good: its entry can go.
                    srem.push_back(ids[i]);
                    break;
                case SessionLookup::State::NotASession:
                    ++out.skipped;
                    break;
                case SessionLookup::State::Live:
                    if (found[i].session.user_id && *found[i].session.user_id != user_id) {
                        ++out.skipped;  // listed in this index but owned by someone else
                    } else {
                        out.sessions.push_back(std::move(found[i].session));
                    }
                    break;
            }
        }
        if (srem.size() > 2) {
            out.pruned +=
                static_cast<size_t>(client.command_for_key(out.index_key, srem).integer());
        }
    });
    std::sort(out.sessions.begin(), out.sessions.end(), [](const Session& a, const Session& b) {
        // Oldest first; sessions that do not say when they were made go last.
        if (a.created_at.has_value() != b.created_at.has_value()) return a.created_at.has_value();
        if (a.created_at != b.created_at) return *a.created_at < *b.created_at;
        return a.id < b.id;
    });
    return out;
}

DestroyAllResult destroy_all_sessions(Client& client, const SessionLayout& layout,
                                      std::string_view user_id) {
    check_identifier(user_id, "--user-id");
    DestroyAllResult out;
    out.index_key = layout.index_key(user_id);
    // The tombstone shares the index's slot (RENAME needs that on a cluster); the random part
    // keeps two concurrent destroy-alls from colliding.
    std::string tombstone = same_slot_key(out.index_key, ":destroying:" + random_hex(8));
    out.index_entries =
        static_cast<size_t>(client.eval(detach_script(), {out.index_key, tombstone}, {}).integer());
    if (out.index_entries == 0) return out;
    // No dedupe needed: UNLINK of a key already gone counts 0, so repeats cannot inflate.
    scan_members(client, tombstone, false, [&](const std::vector<std::string>& ids) {
        out.destroyed += unlink_keys(client, session_keys(layout, ids));
    });
    client.command_for_key(tombstone, {"UNLINK", tombstone});
    return out;
}

}  // namespace redisops
