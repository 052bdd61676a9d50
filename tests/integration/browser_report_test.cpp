// The HTML report in a real browser: a hostile keyspace is audited to HTML and JSON, and
// tests/browser/report_check.mjs loads the page in Debian's headless Chromium (playwright-core)
// with the network refused, and holds what it shows to the JSON report. The screenshot stays in
// the build folder (test-artifacts/) for people to look at.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fixture.hpp"
#include "hostile_keyspace.hpp"

using namespace redisops;
using namespace redisops::test;
namespace fs = std::filesystem;

namespace {

const fs::path kBrowserDir = fs::path(REDIS_OPS_SOURCE_DIR) / "tests" / "browser";

/// Why the browser test cannot run here, or empty when it can.
std::string missing_tools() {
    const char* env = std::getenv("CHROMIUM");
    std::string chromium = env && *env ? env : "/usr/bin/chromium";
    if (::access(chromium.c_str(), X_OK) != 0)
        return chromium + " is missing (Debian package chromium; scripts/bootstrap.sh installs it)";
    if (run_command({"node", "--version"}).exit_code != 0)
        return "node is not on PATH (Node.js 18 or later)";
    if (!fs::exists(kBrowserDir / "node_modules" / "playwright-core"))
        return "playwright-core is not installed: npm ci --prefix " + kBrowserDir.string() +
               " (scripts/bootstrap.sh does it)";
    return {};
}

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci && std::string(ci) == "true";
}

}  // namespace

TEST_CASE(
    "the HTML report of a hostile keyspace runs no script, fetches nothing and shows the "
    "JSON report's numbers in Chromium") {
    if (std::string why = missing_tools(); !why.empty()) {
        if (in_ci()) FAIL("browser test cannot run: " << why);
        MESSAGE("SKIPPED (not in CI): browser test cannot run: " << why);
        return;
    }
    RedisServer server({"--slowlog-log-slower-than", "0"});
    load_hostile_keyspace(server);
    fs::path artifacts = fs::path(cli_path()).parent_path() / "test-artifacts";
    fs::create_directories(artifacts);
    fs::path page = artifacts / "report-hostile.html";
    fs::path report = artifacts / "report-hostile.json";
    fs::path shot = artifacts / "report-hostile.png";
    for (const auto& [format, file] : {std::pair{"html", page}, std::pair{"json", report}}) {
        CliResult r =
            run_cli(server, {"scan-audit", "--format", format, "--output", file.string()});
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
    }
    CliResult b = run_command({"node", (kBrowserDir / "report_check.mjs").string(), page.string(),
                               report.string(), shot.string()},
                              cli_options("", {}, 180));
    INFO("browser test output:\n" << b.out << b.err);
    CHECK(b.exit_code == 0);
    CHECK(b.out.find(" 0 failed") != std::string::npos);
    CHECK(fs::file_size(shot) > 10000);
    MESSAGE("screenshot: " << shot.string());
}
