-- lock_force_release: delete a lock whoever holds it (with its holder record), and wake the
-- waiters.
-- KEYS[1] lock key
-- KEYS[2] holder HASH, same hash slot ({lock:name}:holder)
-- ARGV[1] Pub/Sub channel the waiters of this lock subscribe to
-- Reply: the token that was removed (bulk string), or nil when the lock was free.
-- One script so that the token reported is exactly the one deleted (GET then DEL from the
-- client could report one owner and delete the next).
local current = redis.call('GET', KEYS[1])
if not current then
    return false
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[1], 'released')
return current
