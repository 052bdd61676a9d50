-- lock_extend: compare-and-pexpire; resets the TTL only while the token still owns the lock.
-- KEYS[1] lock key
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
return 1
