#include "util/output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace redisops {
namespace {

/// Display width, counting each UTF-8 code point as one column.
size_t display_width(std::string_view s) {
    return static_cast<size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

OutputStyle detect_output_style(bool json, bool no_color) {
    OutputStyle s;
    s.json = json;
    s.tty = ::isatty(STDOUT_FILENO) == 1;
    s.err_tty = ::isatty(STDERR_FILENO) == 1;
    const char* env = std::getenv("NO_COLOR");
    s.color = s.tty && !no_color && !(env && *env);
    return s;
}

std::string paint(const OutputStyle& style, Color color, std::string_view text) {
    if (!style.color) return std::string(text);
    const char* code = "";
    switch (color) {
        case Color::Red:
            code = "\033[31m";
            break;
        case Color::Green:
            code = "\033[32m";
            break;
        case Color::Yellow:
            code = "\033[33m";
            break;
        case Color::Bold:
            code = "\033[1m";
            break;
        case Color::Dim:
            code = "\033[2m";
            break;
    }
    return std::string(code) + std::string(text) + "\033[0m";
}

std::string render_table(const OutputStyle& style, const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> widths(header.size(), 0);
    auto measure = [&](const std::vector<std::string>& row) {
        for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    };
    measure(header);
    for (const auto& r : rows) measure(r);
    auto line = [&](const std::vector<std::string>& row, bool bold) {
        std::string out;
        for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            std::string cell = row[i];
            if (i + 1 < row.size()) cell.append(widths[i] - display_width(row[i]) + 2, ' ');
            out += cell;
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return (bold ? paint(style, Color::Bold, out) : out) + "\n";
    };
    std::string out = line(header, true);
    for (const auto& r : rows) out += line(r, false);
    return out;
}

std::string dump_json(const nlohmann::json& doc) {
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string dump_ordered_json(const nlohmann::ordered_json& doc) {
    return doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace redisops
