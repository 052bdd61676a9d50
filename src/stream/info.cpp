#include "stream/info.hpp"

#include <map>

#include "redis/errors.hpp"
#include "stream/stream_id.hpp"
#include "util/pattern.hpp"
#include "util/text.hpp"

namespace redisops {
namespace {

/// XINFO answers with flat name/value arrays (RESP2); index them by name.
std::map<std::string, ReplyView, std::less<>> fields_of(ReplyView flat) {
    std::map<std::string, ReplyView, std::less<>> m;
    for (size_t i = 0; i + 1 < flat.size(); i += 2) {
        m.emplace(std::string(flat[i].str()), flat[i + 1]);
    }
    return m;
}

template <class M>
std::optional<long long> opt_int(const M& m, std::string_view name) {
    auto it = m.find(name);
    if (it == m.end() || it->second.is_nil()) return std::nullopt;
    return it->second.integer();
}

template <class M>
std::string str_of(const M& m, std::string_view name) {
    auto it = m.find(name);
    if (it == m.end() || it->second.is_nil()) return {};
    return std::string(it->second.str());
}

/// The id of an XINFO first-entry/last-entry value ([id, fields] or nil).
template <class M>
std::optional<std::string> entry_id(const M& m, std::string_view name) {
    auto it = m.find(name);
    if (it == m.end() || it->second.is_nil() || it->second.size() == 0) return std::nullopt;
    return std::string(it->second[0].str());
}

/// Counts entries after `after`, a page at a time, up to `cap`.
long long count_after(Client& client, const std::string& stream, const std::string& after,
                      long long cap, bool& capped) {
    long long n = 0;
    StreamId from = StreamId::from_reply(after).next();
    for (;;) {
        Reply r =
            client.command_for_key(stream, {"XRANGE", stream, from.str(), "+", "COUNT", "1000"});
        n += static_cast<long long>(r.size());
        if (r.size() < 1000) return n;
        if (n >= cap) {
            capped = true;
            return n;
        }
        from = StreamId::from_reply(r[r.size() - 1][0].str()).next();
    }
}

}  // namespace

AclRules stream_info_acl(const std::string& stream) {
    AclRules rules;
    rules.read_only = true;
    rules.keys = {glob_literal(stream)};
    rules.add_commands(kStreamInfoCommands);
    return rules;
}

std::optional<StreamInfo> read_stream_info(Client& client, const std::string& stream,
                                           long long lag_count_cap) {
    Reply type = client.command_for_key(stream, {"TYPE", stream});
    if (type.str() == "none") return std::nullopt;
    if (type.str() != "stream") {
        throw ReplyError("WRONGTYPE " + quote_if_needed(stream) + " is a " +
                         std::string(type.str()) + ", not a stream");
    }
    StreamInfo info;
    info.stream = stream;
    Reply xs = client.command_for_key(stream, {"XINFO", "STREAM", stream});
    auto s = fields_of(xs.view());
    info.length = opt_int(s, "length").value_or(0);
    info.first_entry_id = entry_id(s, "first-entry");
    info.last_entry_id = entry_id(s, "last-entry");
    info.last_generated_id = str_of(s, "last-generated-id");
    info.entries_added = opt_int(s, "entries-added");

    Reply xg = client.command_for_key(stream, {"XINFO", "GROUPS", stream});
    for (size_t i = 0; i < xg.size(); ++i) {
        auto g = fields_of(xg[i]);
        GroupInfo gi;
        gi.name = str_of(g, "name");
        gi.pending = opt_int(g, "pending").value_or(0);
        gi.last_delivered_id = str_of(g, "last-delivered-id");
        gi.entries_read = opt_int(g, "entries-read");
        gi.lag = opt_int(g, "lag");
        if (!gi.lag) {
            // Redis < 7 has no lag; Redis 7 answers nil when XDEL makes it unknowable.
            gi.lag =
                count_after(client, stream, gi.last_delivered_id, lag_count_cap, gi.lag_capped);
            gi.lag_counted = true;
        }
        // The extended form gives the idle time; the lowest id is the oldest pending entry.
        Reply p = client.command_for_key(stream, {"XPENDING", stream, gi.name, "-", "+", "1"});
        if (p.size() > 0) {
            ReplyView e = p[0];
            gi.oldest_pending_id = std::string(e[0].str());
            gi.oldest_pending_consumer = std::string(e[1].str());
            gi.oldest_pending_idle_ms = e[2].integer();
            gi.oldest_pending_deliveries = e[3].integer();
        }
        Reply xc = client.command_for_key(stream, {"XINFO", "CONSUMERS", stream, gi.name});
        for (size_t k = 0; k < xc.size(); ++k) {
            auto c = fields_of(xc[k]);
            gi.consumers.push_back({str_of(c, "name"), opt_int(c, "pending").value_or(0),
                                    opt_int(c, "idle").value_or(0), opt_int(c, "inactive")});
        }
        info.groups.push_back(std::move(gi));
    }
    return info;
}

nlohmann::json to_json(const StreamInfo& info) {
    using nlohmann::json;
    auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
    json groups = json::array();
    for (const auto& g : info.groups) {
        json consumers = json::array();
        for (const auto& c : g.consumers) {
            consumers.push_back({{"name", to_json_text(c.name)},
                                 {"pending", c.pending},
                                 {"idle_ms", c.idle_ms},
                                 {"inactive_ms", opt(c.inactive_ms)}});
        }
        json oldest = nullptr;
        if (g.oldest_pending_id) {
            oldest = {{"id", *g.oldest_pending_id},
                      {"consumer", to_json_text(*g.oldest_pending_consumer)},
                      {"idle_ms", *g.oldest_pending_idle_ms},
                      {"deliveries", *g.oldest_pending_deliveries}};
        }
        groups.push_back({{"name", to_json_text(g.name)},
                          {"pending", g.pending},
                          {"last_delivered_id", g.last_delivered_id},
                          {"entries_read", opt(g.entries_read)},
                          {"lag", opt(g.lag)},
                          {"lag_source", g.lag_counted ? "counted" : "server"},
                          {"lag_capped", g.lag_capped},
                          {"oldest_pending", oldest},
                          {"consumers", consumers}});
    }
    return {{"stream", to_json_text(info.stream)},
            {"length", info.length},
            {"first_entry_id", opt(info.first_entry_id)},
            {"last_entry_id", opt(info.last_entry_id)},
            {"last_generated_id", info.last_generated_id},
            {"entries_added", opt(info.entries_added)},
            {"groups", groups}};
}

}  // namespace redisops
