#include "util/enum_table.hpp"

#include <doctest/doctest.h>

#include <string>

#include "audit/checks.hpp"
#include "audit/report.hpp"
#include "ratelimit/keys.hpp"
#include "stream/format.hpp"

using namespace redisops;

namespace {

enum class Colour { Red, Green, Blue };

constexpr EnumTable kColours{"colour", std::array{
                                           EnumName<Colour>{"red", Colour::Red, "warm"},
                                           EnumName<Colour>{"green", Colour::Green, "grass"},
                                           EnumName<Colour>{"blue", Colour::Blue, "sky"},
                                       }};

std::string parse_error(std::string_view text) {
    try {
        kColours.parse(text, "--colour");
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("an enum table maps each name to its value and back") {
    static_assert(kColours.name(Colour::Green) == "green");
    static_assert(kColours.find("blue") == Colour::Blue);
    static_assert(!kColours.find("Blue"));  // names are exact
    CHECK(kColours.parse("red", "--colour") == Colour::Red);
    CHECK(kColours.names() == std::vector<std::string>{"red", "green", "blue"});
    CHECK(kColours.listing() == "red, green or blue");
    CHECK(kColours.check("green").empty());
}

TEST_CASE("an unknown name is a usage error naming the flag, the valid names and the closest") {
    std::string err = parse_error("gren");
    CHECK(err == "--colour: unknown colour gren (use red, green or blue)\nDid you mean 'green'?");
    // Nothing close: no suggestion, still the list.
    CHECK(parse_error("purple") == "--colour: unknown colour purple (use red, green or blue)");
    CHECK(parse_error("").find("(use red, green or blue)") != std::string::npos);
    CHECK(kColours.check("bleu").find("Did you mean 'blue'?") != std::string::npos);
    CHECK(kColours.check("bleu").starts_with("unknown colour"));  // CLI11 adds the flag
}

TEST_CASE("the project's tables hold the documented names") {
    CHECK(kAlgorithms.names() == std::vector<std::string>{"sliding", "fixed", "gcra"});
    CHECK(algorithm_name(Algorithm::Gcra) == "gcra");
    CHECK(kChecks.names() == std::vector<std::string>{"no-ttl", "big", "keys-usage", "policy"});
    CHECK(check_name(Check::KeysUsage) == "keys-usage");
    CHECK(kReportFormats.names() ==
          std::vector<std::string>{"table", "json", "junit", "prometheus", "html"});
    CHECK(kFormatNames.names() == std::vector<std::string>{"text", "json"});
    CHECK_THROWS_WITH_AS(parse_algorithm("gcar", "--algorithm"),
                         doctest::Contains("Did you mean 'gcra'?"), UsageError);
    CHECK_THROWS_WITH_AS(parse_fail_on("no-ttl,bigg"),
                         doctest::Contains("--fail-on: unknown check bigg"), UsageError);
}
