-- Starts invalidating a tag: renames its set to a fresh tombstone, which is O(1) whatever the
-- set's size, so keys tagged from now on land in a new set and are not lost; and records the
-- tombstone in a registry so that a rerun after a crash mid-drain finds and finishes it.
-- KEYS[1] the tag set, KEYS[2] the new tombstone, KEYS[3] the tombstone registry (a SET);
-- all three share the tag set's hash slot.
-- The registry lives as long as the longest-lived tombstone it lists (RENAME keeps the tag
-- set's TTL on the tombstone), and at least a day, so it is never left without a TTL.
-- Reply: every tombstone still to drain, this one and leftovers of interrupted runs.
local t = redis.call('TYPE', KEYS[1]).ok
if t == 'set' then
    redis.call('RENAME', KEYS[1], KEYS[2])
    redis.call('SADD', KEYS[3], KEYS[2])
    local ttl = math.max(redis.call('PTTL', KEYS[2]), redis.call('PTTL', KEYS[3]), 86400000)
    redis.call('PEXPIRE', KEYS[3], ttl)
elseif t ~= 'none' then
    return redis.error_reply('WRONGTYPE tag key ' .. KEYS[1] .. ' holds a ' .. t .. ', not a set')
end
return redis.call('SMEMBERS', KEYS[3])
