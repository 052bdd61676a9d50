-- lock_release: compare-and-delete (with the holder record), then wake the waiters.
-- KEYS[1] lock key
-- KEYS[2] holder HASH, same hash slot ({lock:name}:holder)
-- ARGV[1] token the caller believes it owns
-- ARGV[2] Pub/Sub channel the waiters of this lock subscribe to
-- Reply:  1 released (and a message published on ARGV[2])
--         0 no such lock (expired or never taken)
--        -1 held under another token: nothing changed
-- The same compare-and-delete as redis-py's Lock.release, so either side can free the other's
-- lock when given its token. PUBLISH is not a key access, so the script stays single-slot.
local current = redis.call('GET', KEYS[1])
if not current then
    return 0
end
if current ~= ARGV[1] then
    return -1
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[2], 'released')
return 1
