// The lua/*.lua files, embedded at build time by cmake/embed_lua.cmake.
#pragma once

#include <span>
#include <string_view>

namespace redisops {

struct LuaSource {
    std::string_view name;  // file stem: lua/lock_release.lua -> "lock_release"
    std::string_view body;
};

std::span<const LuaSource> lua_sources();

}  // namespace redisops
