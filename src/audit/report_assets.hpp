// The HTML report's stylesheet and script: assets/report.css and assets/report.js, embedded at
// build time (cmake/embed_files.cmake), each named by its file name.
#pragma once

#include "util/embedded_file.hpp"

namespace redisops {

std::span<const EmbeddedFile> report_assets();

/// The asset's text ("report.css"); empty when there is none of that name.
inline std::string_view report_asset(std::string_view name) {
    return embedded_file(report_assets(), name);
}

}  // namespace redisops
