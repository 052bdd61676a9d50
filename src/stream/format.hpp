// How `stream tail` and `pubsub tail` print what they read: text (redis-cli quoting), JSON
// Lines, or an OutputTemplate. Formatters append to a string; cmd/ decides where it goes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stream/template.hpp"
#include "util/enum_table.hpp"

namespace redisops {

/// One stream entry, borrowed from a reply (valid while the reply lives).
struct StreamEntry {
    std::string_view stream;
    std::string_view id;
    /// In the entry's order; a field name may repeat (XADD s * a 1 a 2 is legal).
    std::vector<std::pair<std::string_view, std::string_view>> fields;
};

/// One Pub/Sub message; `pattern` is set for PSUBSCRIBE deliveries.
struct PubSubMessage {
    std::string_view channel;
    std::optional<std::string_view> pattern;
    std::string_view message;
};

enum class FormatKind { Text, Json, Template };

/// The fixed names of --format; anything else is a template.
inline constexpr EnumTable kFormatNames{
    "format",
    std::array{
        EnumName<FormatKind>{"text", FormatKind::Text, "redis-cli style lines (the default)"},
        EnumName<FormatKind>{"json", FormatKind::Json, "JSON Lines, one object per line"},
    }};

/// Appends `bytes` as a JSON string: valid UTF-8 as is (escaped), other bytes as the code
/// points U+0080..U+00FF of the same value (the rule of to_json_text).
void append_json_string(std::string& out, std::string_view bytes);

class EntryFormat {
  public:
    /// `spec` is text, json or a template ({id} {stream} {field:NAME} {fields}); --json wins.
    /// `show_stream`: text lines start with the stream name (several streams tailed).
    static EntryFormat parse(std::string_view spec, bool json_flag, bool show_stream);
    /// Text: `[STREAM ]ID FIELD VALUE …\n`. JSON: {"stream","id","fields":{…}}\n, where a
    /// repeated field name holds an array of its values in order, so no value is lost.
    /// A template's {field:NAME} is the first value of NAME (empty when absent).
    void append(std::string& out, const StreamEntry& e) const;
    FormatKind kind() const { return kind_; }

  private:
    FormatKind kind_ = FormatKind::Text;
    bool show_stream_ = false;
    std::optional<OutputTemplate> template_;
};

class MessageFormat {
  public:
    /// `spec` is text, json or a template ({channel} {pattern} {message}).
    static MessageFormat parse(std::string_view spec, bool json_flag, bool show_channel);
    /// Text: `[PATTERN ]CHANNEL MESSAGE\n` (only MESSAGE when one plain channel).
    /// JSON: {"channel","pattern"?,"message"}\n.
    void append(std::string& out, const PubSubMessage& m) const;

  private:
    FormatKind kind_ = FormatKind::Text;
    bool show_channel_ = false;
    std::optional<OutputTemplate> template_;
};

}  // namespace redisops
