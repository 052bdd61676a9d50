#include "acl/acl_rules.hpp"

#include <algorithm>

#include "util/pattern.hpp"
#include "util/text.hpp"

namespace redisops {

void AclRules::add_commands(std::span<const char* const> list) {
    for (const char* c : list) {
        if (std::find(commands.begin(), commands.end(), c) == commands.end()) commands.push_back(c);
    }
}

std::string prefix_glob(std::string_view prefix) { return glob_literal(prefix) + '*'; }

std::string acl_setuser(const AclRules& rules, std::string_view user) {
    std::string line = "ACL SETUSER " + quote_if_needed(user) + " reset";
    for (const auto& c : rules.commands) line += " +" + c;
    for (const auto& k : rules.keys)
        line += ' ' + quote_if_needed((rules.read_only ? "%R~" : "~") + k);
    for (const auto& ch : rules.channels) line += ' ' + quote_if_needed("&" + ch);
    if (!rules.newer_commands.empty()) {
        line += "\nACL SETUSER " + quote_if_needed(user);
        for (const auto& c : rules.newer_commands) line += " +" + c;
    }
    return line;
}

}  // namespace redisops
