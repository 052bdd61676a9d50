// Redis Cluster hash slots: CRC16 (XMODEM) of the key, or of its {hashtag}, mod 16384.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace redisops {

constexpr int kSlotCount = 16384;

/// The part of the key that is hashed: the first non-empty {…} section, else the whole key.
std::string_view hash_tag(std::string_view key);
int hash_slot(std::string_view key);

/// A key in the same slot as `key`, made by appending `suffix`: `key` + suffix when key has a
/// hashtag (it is kept), otherwise "{key}" + suffix (the tag is the whole key, so the slot is
/// the same), or for keys holding a stray '}' the key with a computed tag of that slot put
/// in before its first brace, + suffix ("lock:a}b" → "lock:a{s123}}b:fence").
/// Scripts use this to keep a key's companions next to it on a cluster.
std::string same_slot_key(std::string_view key, std::string_view suffix);

}  // namespace redisops
