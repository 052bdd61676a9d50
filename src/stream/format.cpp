#include "stream/format.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace redisops {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_escaped_utf8(std::string& out, std::string_view s) {
    out += '"';
    size_t run = 0;  // start of the bytes that need no escaping, copied in one go
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xF];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void append_text_pairs(std::string& out, const StreamEntry& e) {
    bool first = true;
    for (const auto& [k, v] : e.fields) {
        if (!first) out += ' ';
        first = false;
        out += quote_if_needed(k);
        out += ' ';
        out += quote_if_needed(v);
    }
}

void append_json_fields(std::string& out, const StreamEntry& e) {
    const auto& f = e.fields;
    out += '{';
    bool first = true;
    for (size_t i = 0; i < f.size(); ++i) {
        // A name seen before was already written, with all its values, at its first place.
        bool seen = false;
        for (size_t j = 0; j < i && !seen; ++j) seen = f[j].first == f[i].first;
        if (seen) continue;
        size_t repeats = 0;
        for (size_t j = i + 1; j < f.size(); ++j) repeats += f[j].first == f[i].first;
        if (!first) out += ',';
        first = false;
        append_json_string(out, f[i].first);
        out += ':';
        if (repeats == 0) {
            append_json_string(out, f[i].second);
            continue;
        }
        out += '[';
        append_json_string(out, f[i].second);
        for (size_t j = i + 1; j < f.size(); ++j) {
            if (f[j].first != f[i].first) continue;
            out += ',';
            append_json_string(out, f[j].second);
        }
        out += ']';
    }
    out += '}';
}

FormatKind kind_of(std::string_view spec, bool json_flag) {
    if (json_flag) return FormatKind::Json;
    if (spec.empty()) return FormatKind::Text;
    return kFormatNames.find(spec).value_or(FormatKind::Template);
}

}  // namespace

void append_json_string(std::string& out, std::string_view bytes) {
    if (is_valid_utf8(bytes)) {
        append_escaped_utf8(out, bytes);
    } else {
        append_escaped_utf8(out, to_json_text(bytes));
    }
}

EntryFormat EntryFormat::parse(std::string_view spec, bool json_flag, bool show_stream) {
    EntryFormat f;
    f.kind_ = kind_of(spec, json_flag);
    f.show_stream_ = show_stream;
    if (f.kind_ == FormatKind::Template) {
        f.template_ =
            OutputTemplate::parse(spec, {{"id"}, {"stream"}, {"field", true}, {"fields"}});
    }
    return f;
}

void EntryFormat::append(std::string& out, const StreamEntry& e) const {
    switch (kind_) {
        case FormatKind::Text:
            if (show_stream_) {
                out += quote_if_needed(e.stream);
                out += ' ';
            }
            out += e.id;
            if (!e.fields.empty()) out += ' ';
            append_text_pairs(out, e);
            out += '\n';
            return;
        case FormatKind::Json:
            out += "{\"stream\":";
            append_json_string(out, e.stream);
            out += ",\"id\":\"";
            out += e.id;  // digits and one dash: nothing to escape
            out += "\",\"fields\":";
            append_json_fields(out, e);
            out += "}\n";
            return;
        case FormatKind::Template:
            template_->render(out, [&e](std::string& o, const TemplatePart& p) {
                switch (p.placeholder) {
                    case 0:
                        o += e.id;
                        break;
                    case 1:
                        o += e.stream;
                        break;
                    case 2: {
                        auto it = std::find_if(e.fields.begin(), e.fields.end(),
                                               [&p](const auto& kv) { return kv.first == p.text; });
                        if (it != e.fields.end()) o += it->second;
                        break;
                    }
                    default:
                        append_text_pairs(o, e);
                }
            });
            return;
    }
}

MessageFormat MessageFormat::parse(std::string_view spec, bool json_flag, bool show_channel) {
    MessageFormat f;
    f.kind_ = kind_of(spec, json_flag);
    f.show_channel_ = show_channel;
    if (f.kind_ == FormatKind::Template) {
        f.template_ = OutputTemplate::parse(spec, {{"channel"}, {"pattern"}, {"message"}});
    }
    return f;
}

void MessageFormat::append(std::string& out, const PubSubMessage& m) const {
    switch (kind_) {
        case FormatKind::Text:
            if (m.pattern) {
                out += quote_if_needed(*m.pattern);
                out += ' ';
            }
            if (show_channel_ || m.pattern) {
                out += quote_if_needed(m.channel);
                out += ' ';
            }
            out += quote_if_needed(m.message);
            out += '\n';
            return;
        case FormatKind::Json:
            out += "{\"channel\":";
            append_json_string(out, m.channel);
            if (m.pattern) {
                out += ",\"pattern\":";
                append_json_string(out, *m.pattern);
            }
            out += ",\"message\":";
            append_json_string(out, m.message);
            out += "}\n";
            return;
        case FormatKind::Template:
            template_->render(out, [&m](std::string& o, const TemplatePart& p) {
                switch (p.placeholder) {
                    case 0:
                        o += m.channel;
                        break;
                    case 1:
                        o += m.pattern.value_or("");
                        break;
                    default:
                        o += m.message;
                }
            });
            return;
    }
}

}  // namespace redisops
