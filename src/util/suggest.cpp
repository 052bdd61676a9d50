#include "util/suggest.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace redisops {
namespace {

template <class Name>
std::string closest(std::string_view typed, std::span<const Name> names) {
    std::string best;
    size_t best_d = 3;  // more than two edits away is not a typo but another word
    for (std::string_view name : names) {
        if (name == typed) return {};
        size_t d = edit_distance(typed, name);
        if (d < best_d || (best.empty() && typed.size() >= 3 && name.starts_with(typed))) {
            best_d = std::min(d, best_d);
            best = std::string(name);
        }
    }
    return best;
}

bool has(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

/// "--url=x" -> "--url", "-n1" -> "-n"; the bare name otherwise.
std::string_view flag_name(std::string_view word, bool* value_attached) {
    *value_attached = false;
    if (word.starts_with("--")) {
        auto eq = word.find('=');
        *value_attached = eq != std::string_view::npos;
        return word.substr(0, eq);
    }
    *value_attached = word.size() > 2;
    return word.substr(0, 2);
}

/// Every command below `node` that accepts `flag` itself, as "session get", parents first.
void owners_below(const CommandNode& node, std::string_view flag, const std::string& prefix,
                  std::vector<std::string>& out) {
    for (const auto& child : node.children) {
        std::string path = prefix.empty() ? child.name : prefix + " " + child.name;
        if (has(child.flags, flag)) out.push_back(path);
        owners_below(child, flag, path, out);
    }
}

bool takes_value_below(const CommandNode& node, std::string_view flag) {
    for (const auto& child : node.children) {
        if (has(child.valued_flags, flag) || takes_value_below(child, flag)) return true;
    }
    return false;
}

std::string joined(const std::vector<std::string>& path) {
    std::string s;
    for (const auto& p : path) s += (s.empty() ? "" : " ") + p;
    return s;
}

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t substitute = prev[j - 1] + (a[i - 1] != b[j - 1] ? 1 : 0);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string closest_name(std::string_view typed, std::span<const std::string> names) {
    return closest(typed, names);
}

std::string closest_name(std::string_view typed, std::span<const std::string_view> names) {
    return closest(typed, names);
}

ArgvDiagnosis diagnose_argv(const CommandNode& root, std::span<const std::string> words) {
    ArgvDiagnosis d;
    std::vector<const CommandNode*> at{&root};  // the path walked so far, root first
    for (size_t i = 0; i < words.size(); ++i) {
        std::string_view word = words[i];
        if (word == "--") break;
        if (word.size() > 1 && word.starts_with("-")) {
            bool attached = false;
            std::string_view name = flag_name(word, &attached);
            // A parent's flags (the global ones) are accepted anywhere below it.
            const CommandNode* owner = nullptr;
            for (auto it = at.rbegin(); it != at.rend() && !owner; ++it) {
                if (has((*it)->flags, name)) owner = *it;
            }
            bool valued =
                owner ? has(owner->valued_flags, name) : takes_value_below(*at.back(), name);
            if (!owner && !d.misplaced_flag) {
                std::vector<std::string> owners;
                owners_below(*at.back(), name, joined(d.path), owners);
                if (!owners.empty()) {
                    d.misplaced_flag = std::string(name);
                    d.flag_owner = std::move(owners);
                }
            }
            if (valued && !attached) ++i;  // its value, even when it looks like a subcommand
            continue;
        }
        const CommandNode& here = *at.back();
        if (here.children.empty()) continue;  // a positional argument of a leaf
        auto child = std::find_if(here.children.begin(), here.children.end(),
                                  [&](const CommandNode& c) { return c.name == word; });
        if (child != here.children.end()) {
            at.push_back(&*child);
            d.path.push_back(child->name);
            continue;
        }
        std::vector<std::string> names;
        for (const auto& c : here.children) names.push_back(c.name);
        d.unknown_command = std::string(word);
        d.suggestion = closest_name(word, names);
        break;
    }
    // Of the commands that own the flag, name the one the command line went on to choose: the
    // deepest, when a parent has the flag too (`session --prefix` is for --print-acl, `session
    // get --prefix` is what `--prefix sess: session get X` meant).
    if (d.misplaced_flag) {
        std::string chosen = joined(d.path);
        const std::string* best = nullptr;
        for (const auto& owner : d.flag_owner) {
            bool on_path = chosen == owner || chosen.starts_with(owner + " ");
            if (on_path && (!best || owner.size() > best->size())) best = &owner;
        }
        if (best) d.flag_owner = {std::string(*best)};
    }
    return d;
}

std::optional<std::string> diagnosis_message(const ArgvDiagnosis& d, std::string_view program) {
    std::string msg;
    if (d.misplaced_flag) {
        const std::string& flag = *d.misplaced_flag;
        if (d.flag_owner.size() == 1) {
            msg = flag + " belongs to '" + d.flag_owner.front() +
                  "' and goes after it: " + std::string(program) + " " + d.flag_owner.front() +
                  " " + flag + " …";
        } else {
            msg = flag + " is a flag of ";
            size_t shown = std::min<size_t>(d.flag_owner.size(), 4);
            for (size_t i = 0; i < shown; ++i) {
                msg += (i == 0                                           ? ""
                        : i + 1 == shown && shown == d.flag_owner.size() ? " and "
                                                                         : ", ");
                msg += "'" + d.flag_owner[i] + "'";
            }
            if (shown < d.flag_owner.size()) msg += ", …";
            msg += "; it goes after the subcommand";
        }
    }
    if (d.unknown_command) {
        if (!msg.empty()) msg += "\n";
        msg += "unknown subcommand " + clip_for_message(*d.unknown_command);
        if (!d.path.empty()) msg += " for '" + joined(d.path) + "'";
        if (!d.suggestion.empty()) msg += "\nDid you mean '" + d.suggestion + "'?";
    }
    if (msg.empty()) return std::nullopt;
    return msg;
}

}  // namespace redisops
