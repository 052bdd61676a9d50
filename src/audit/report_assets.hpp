// The HTML report's stylesheet and script: assets/report.css and assets/report.js, embedded at
// build time by cmake/embed_assets.cmake.
#pragma once

#include <string_view>

namespace redisops {

struct ReportAsset {
    std::string_view name;  // file name: "report.css"
    std::string_view body;
};

/// The asset's text; empty when there is none of that name.
std::string_view report_asset(std::string_view name);

}  // namespace redisops
