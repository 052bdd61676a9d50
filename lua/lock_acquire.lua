-- lock_acquire: take a lock with SET NX PXAT and, in the same atomic step, draw a fencing token
-- and record who holds the lock.
-- KEYS[1] lock key (STRING holding the owner's token)
-- KEYS[2] fencing counter, same hash slot (e.g. {lock:name}:fence). It carries a long TTL,
--         refreshed here on every acquire; when it is missing (first use, or expired after a
--         long idle time) it restarts from the server's TIME in microseconds (~1.7e15), far
--         above any count INCR reaches, so the token still strictly increases
-- KEYS[3] holder HASH, same hash slot (e.g. {lock:name}:holder): host, pid, user, command,
--         started_at_ms (server TIME), renewals; the lock's TTL; never the token
-- ARGV[1] token
-- ARGV[2] TTL in milliseconds (> 0)
-- ARGV[3] fencing counter TTL in milliseconds (> 0)
-- ARGV[4] host   ARGV[5] pid   ARGV[6] user   ARGV[7] command
-- Reply: {1, fence}      acquired (or already held by this very token: TTL reset, same fence,
--                        since re-acquiring your own lock is not a new acquisition)
--        {0, pttl}       held by someone else; pttl is -1 when that lock has no TTL
-- One absolute expiry for the lock and its holder record, so both end in the same millisecond
-- however long the script takes (script time is not frozen on Redis 7.0).
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expire_at = string.format('%.0f', now_ms + tonumber(ARGV[2]))
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PXAT', expire_at) then
    local fence
    if redis.call('EXISTS', KEYS[2]) == 1 then
        fence = redis.call('INCR', KEYS[2])
    else
        -- A counter that expired restarts from the server clock in microseconds: above any
        -- token it handed out before.
        fence = tonumber(t[1]) * 1000000 + tonumber(t[2])
        redis.call('SET', KEYS[2], string.format('%.0f', fence))
    end
    redis.call('PEXPIRE', KEYS[2], ARGV[3])
    redis.call('DEL', KEYS[3])
    redis.call('HSET', KEYS[3], 'host', ARGV[4], 'pid', ARGV[5], 'user', ARGV[6],
               'command', ARGV[7], 'started_at_ms', string.format('%.0f', now_ms),
               'renewals', '0')
    redis.call('PEXPIREAT', KEYS[3], expire_at)
    return {1, fence}
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('PEXPIREAT', KEYS[1], expire_at)
    redis.call('PEXPIREAT', KEYS[3], expire_at)
    redis.call('PEXPIRE', KEYS[2], ARGV[3])
    return {1, tonumber(redis.call('GET', KEYS[2]) or '0')}
end
return {0, redis.call('PTTL', KEYS[1])}
