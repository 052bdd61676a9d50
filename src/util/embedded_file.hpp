// A file of the source tree compiled into the binary (lua/*.lua, assets/report.*), by
// cmake/embed_files.cmake.
#pragma once

#include <span>
#include <string_view>

namespace redisops {

struct EmbeddedFile {
    std::string_view name;  // as the embedding names it: a file stem or a file name
    std::string_view body;
};

/// The body of the file called `name` in `files`; empty when there is none.
inline std::string_view embedded_file(std::span<const EmbeddedFile> files, std::string_view name) {
    for (const auto& f : files) {
        if (f.name == name) return f.body;
    }
    return {};
}

}  // namespace redisops
