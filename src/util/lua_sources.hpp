// The lua/*.lua files, embedded at build time (cmake/embed_files.cmake), each named by its stem:
// lua/lock_release.lua is "lock_release".
#pragma once

#include "util/embedded_file.hpp"

namespace redisops {

std::span<const EmbeddedFile> lua_sources();

}  // namespace redisops
