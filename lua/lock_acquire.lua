-- lock_acquire: take a lock with SET NX PX and, in the same atomic step, draw a fencing token
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
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    local fence
    if redis.call('EXISTS', KEYS[2]) == 1 then
        fence = redis.call('INCR', KEYS[2])
    else
        local now = redis.call('TIME')
        fence = tonumber(now[1]) * 1000000 + tonumber(now[2])
        redis.call('SET', KEYS[2], string.format('%.0f', fence))
    end
    redis.call('PEXPIRE', KEYS[2], ARGV[3])
    local now = redis.call('TIME')
    local started = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
    redis.call('DEL', KEYS[3])
    redis.call('HSET', KEYS[3], 'host', ARGV[4], 'pid', ARGV[5], 'user', ARGV[6],
               'command', ARGV[7], 'started_at_ms', string.format('%.0f', started),
               'renewals', '0')
    redis.call('PEXPIRE', KEYS[3], ARGV[2])
    return {1, fence}
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    redis.call('PEXPIRE', KEYS[3], ARGV[2])
    redis.call('PEXPIRE', KEYS[2], ARGV[3])
    return {1, tonumber(redis.call('GET', KEYS[2]) or '0')}
end
return {0, redis.call('PTTL', KEYS[1])}
