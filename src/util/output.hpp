// Presentation helpers that return strings; cmd/ decides where they go.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace redisops {

struct OutputStyle {
    bool json = false;   // --json
    bool color = false;  // a TTY, and neither NO_COLOR nor --no-color
    bool tty = false;    // stdout is a terminal: tables and progress
    bool err_tty = false;
};

/// Reads isatty(1), isatty(2) and NO_COLOR.
OutputStyle detect_output_style(bool json, bool no_color);

enum class Color { Red, Green, Yellow, Bold, Dim };
std::string paint(const OutputStyle& style, Color color, std::string_view text);

/// Left-aligned columns separated by two spaces; the header is bold on a colour terminal.
std::string render_table(const OutputStyle& style, const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows);

/// One JSON document on one line; invalid UTF-8 never throws (see to_json_text).
std::string dump_json(const nlohmann::json& doc);
/// The same for documents that keep their keys in insertion order.
std::string dump_ordered_json(const nlohmann::ordered_json& doc);

}  // namespace redisops
