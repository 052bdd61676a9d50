// Glob matching (the dialect of Redis' SCAN MATCH) and key-pattern grouping
// (`user:123:profile` -> `user:*:profile`), both pure functions of their input.
#pragma once

#include <string>
#include <string_view>

namespace redisops {

/// Redis glob semantics (stringmatchlen): `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes; binary-safe,
/// case-sensitive. Linear backtracking, so hostile patterns cannot blow up.
bool glob_match(std::string_view pattern, std::string_view text);

/// `text` as a glob that matches only itself (`*?[]\` escaped), e.g. for SCAN MATCH prefix*.
std::string glob_literal(std::string_view text);

/// The longest pattern group_key() returns; longer keys are cut and end in `*`, so a table of
/// patterns stays bounded whatever the keys look like.
inline constexpr size_t kMaxPatternBytes = 200;

/// A key's shape: id-like segments replaced by `*`.
struct KeyShape {
    /// Numbers, UUIDs, hex ids (>= 8 hex chars, or hex mixing letters and digits) and long
    /// random tokens (base64/base64url) become `*`: `session:9f3a17c2` -> `session:*`.
    std::string pattern;
    /// Also stars the ambiguous segments: short all-letter hex words (`abc`, `feed`, `cafe`)
    /// after the first segment. They are ids in `session:<hex>` but words in `feed:user:*`;
    /// a grouper uses `loose` only when sibling keys show that position holds ids.
    std::string loose;
};

KeyShape shape_of(std::string_view key);
/// shape_of(key).pattern.
std::string group_key(std::string_view key);

}  // namespace redisops
