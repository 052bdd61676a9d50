-- Stores a cached value, its tags and (for `cache fetch`) its XFetch compute time, atomically:
-- a crash or a killed server never leaves a value without its companions, nor a partial value.
-- KEYS[1]    the value key (SET … PX ttl)
-- KEYS[2]    the compute-time companion (same slot as KEYS[1])
-- KEYS[3]    the single-flight lock (same slot as KEYS[1])
-- KEYS[4..]  tag sets the key joins that share KEYS[1]'s slot (e.g. tag `{user:1}` of key
--            `{user:1}:profile`); the others are written next by tag_add.lua on their own node
-- ARGV[1] value, ARGV[2] ttl in ms,
-- ARGV[3] compute time in ms, or '' to drop a stale companion (a plain `cache set`),
-- ARGV[4] lock owner token, or '' when no lock is held,
-- ARGV[5] notify channel for waiters, or '' for none
-- Reply: 1 when the lock was ours and is released (or no lock was held), 0 when it was lost.
local ttl = tonumber(ARGV[2])

-- Scripts are not rolled back on error: check every tag set's type before the first write.
for i = 4, #KEYS do
    local t = redis.call('TYPE', KEYS[i]).ok
    if t ~= 'set' and t ~= 'none' then
        return redis.error_reply('WRONGTYPE tag key ' .. KEYS[i] .. ' holds a ' .. t .. ', not a set')
    end
end

redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
if ARGV[3] ~= '' then
    redis.call('SET', KEYS[2], ARGV[3], 'PX', ttl)
else
    redis.call('DEL', KEYS[2])
end

-- A tag set lives at least as long as its longest-lived member, and is never shortened:
-- a missing set gets the member's TTL, a shorter one is raised, a persistent one stays so.
for i = 4, #KEYS do
    local before = redis.call('PTTL', KEYS[i])
    redis.call('SADD', KEYS[i], KEYS[1])
    if before == -2 or (before >= 0 and before < ttl) then
        redis.call('PEXPIRE', KEYS[i], ttl)
    end
end

local released = 1
if ARGV[4] ~= '' then
    if redis.call('GET', KEYS[3]) == ARGV[4] then
        redis.call('DEL', KEYS[3])
    else
        released = 0
    end
end
if ARGV[5] ~= '' then
    redis.call('PUBLISH', ARGV[5], 'ok')
end
return released
