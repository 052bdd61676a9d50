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
redis.call('PEXPIRE', KEYS[1], ARGV[2])
-- A lock taken by another tool has no holder record: do not create one without a TTL.
if redis.call('EXISTS', KEYS[2]) == 1 then
    redis.call('HINCRBY', KEYS[2], 'renewals', 1)
    redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return 1
