-- lock_extend: compare-and-pexpire; resets the TTL only while the token still owns the lock,
-- and renews the holder record with it (counting the renewal).
-- KEYS[1] lock key
-- KEYS[2] holder HASH, same hash slot ({lock:name}:holder)
-- ARGV[1] token
-- ARGV[2] new TTL in milliseconds (> 0)
-- Reply:  1 extended
--         0 no such lock: it expired or was deleted, and is NOT re-created
--        -1 held under another token: nothing changed
local current = redis.call('GET', KEYS[1])
if not current then
    return 0
end
if current ~= ARGV[1] then
    return -1
end
-- One absolute expiry for the lock and its holder record, so both end in the same millisecond
-- however long the script takes (script time is not frozen on Redis 7.0).
local t = redis.call('TIME')
local expire_at = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
                                    + tonumber(ARGV[2]))
redis.call('PEXPIREAT', KEYS[1], expire_at)
-- A lock taken by another tool has no holder record: do not create one without a TTL.
if redis.call('EXISTS', KEYS[2]) == 1 then
    redis.call('HINCRBY', KEYS[2], 'renewals', 1)
    redis.call('PEXPIREAT', KEYS[2], expire_at)
end
return 1
