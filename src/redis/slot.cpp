#include "redis/slot.hpp"

#include <algorithm>
#include <array>

namespace redisops {
namespace {

constexpr std::array<uint16_t, 256> make_table() {
    std::array<uint16_t, 256> t{};
    for (int i = 0; i < 256; ++i) {
        uint16_t crc = static_cast<uint16_t>(i << 8);
        for (int b = 0; b < 8; ++b) {
            crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                 : static_cast<uint16_t>(crc << 1);
        }
        t[i] = crc;
    }
    return t;
}
constexpr auto kTable = make_table();

uint16_t crc16(std::string_view s) {
    uint16_t crc = 0;
    for (char c : s) {
        crc = static_cast<uint16_t>((crc << 8) ^
                                    kTable[((crc >> 8) ^ static_cast<uint8_t>(c)) & 0xff]);
    }
    return crc;
}

/// A short hashtag whose slot is `slot`: the first "s<n>" that hashes there (about 16384
/// CRC16s of a few bytes; deterministic, so every host picks the same one).
std::string tag_in_slot(int slot) {
    for (unsigned n = 0;; ++n) {
        std::string tag = "s" + std::to_string(n);
        if (hash_slot(tag) == slot) return tag;
    }
}

}  // namespace

std::string_view hash_tag(std::string_view key) {
    auto open = key.find('{');
    if (open == std::string_view::npos) return key;
    auto close = key.find('}', open + 1);
    if (close == std::string_view::npos || close == open + 1) return key;
    return key.substr(open + 1, close - open - 1);
}

int hash_slot(std::string_view key) { return crc16(hash_tag(key)) % kSlotCount; }

std::string same_slot_key(std::string_view key, std::string_view suffix) {
    // A real hashtag is kept by appending after it.
    if (hash_tag(key) != key) return std::string(key) + std::string(suffix);
    // "{key}" hashes exactly `key` unless the key holds a '}' that would close the tag early
    // ("a}b", "x{}y"); those get a computed tag that lands in the same slot. It goes in before
    // the key's first brace, so it is the key's first tag and what precedes it (the prefix,
    // which ACL patterns name) stays in front: "lock:a}b" → "lock:a{s123}}b:fence".
    auto brace = key.find('}');
    if (brace == std::string_view::npos) return "{" + std::string(key) + "}" + std::string(suffix);
    brace = std::min(brace, key.find('{'));
    return std::string(key.substr(0, brace)) + "{" + tag_in_slot(hash_slot(key)) + "}" +
           std::string(key.substr(brace)) + std::string(suffix);
}

}  // namespace redisops
