-- lock_acquire: take a lock with SET NX PX and, in the same atomic step, draw a fencing token.
-- KEYS[1] lock key (STRING holding the owner's token)
-- KEYS[2] fencing counter, same hash slot as KEYS[1] (e.g. {lock:name}:fence); never expires,
--         so the token strictly increases across every acquisition, whoever makes it
-- ARGV[1] token
-- ARGV[2] TTL in milliseconds (> 0)
-- Reply: {1, fence}      acquired (or already held by this very token: TTL reset, same fence,
--                        since re-acquiring your own lock is not a new acquisition)
--        {0, pttl}       held by someone else; pttl is -1 when that lock has no TTL
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return {1, redis.call('INCR', KEYS[2])}
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return {1, tonumber(redis.call('GET', KEYS[2]) or '0')}
end
return {0, redis.call('PTTL', KEYS[1])}
