-- Sliding expiration: sets the session's TTL and keeps the index TTL >= it.
-- KEYS[1]: the session key (a HASH or a JSON string)
-- KEYS[2]: optional, the user's index SET when it shares KEYS[1]'s hash slot
-- ARGV[1]: the new ttl in milliseconds (> 0)
-- Reply: 1 when the session was touched, 0 when it does not exist.
local ttl = tonumber(ARGV[1])
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'none' then return 0 end
if t ~= 'hash' and t ~= 'string' then
    return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' holds a ' .. t ..
                             ', not a session (a hash or a JSON string)')
end
if KEYS[2] then
    local it = redis.call('TYPE', KEYS[2])['ok']
    if it ~= 'none' and it ~= 'set' then
        return redis.error_reply('WRONGTYPE ' .. KEYS[2] .. ' holds a ' .. it ..
                                 ', not a set of session ids')
    end
end
redis.call('PEXPIRE', KEYS[1], ttl)
if KEYS[2] then
    local ittl = redis.call('PTTL', KEYS[2])
    -- Only ever raised; an index without a TTL (-1) gets one (-2: no index, nothing to do).
    if ittl ~= -2 and ittl < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return 1
