-- Creates a session HASH with its TTL and, when KEYS[2] is given, its index entry, atomically.
-- KEYS[1]: the session key (session:<id>)
-- KEYS[2]: optional, the user's index SET (user_sessions:<user>); given only when it shares
--          KEYS[1]'s hash slot (standalone, Sentinel). On a cluster the caller omits it and
--          runs session_index afterwards.
-- ARGV[1]: ttl in milliseconds (> 0)
-- ARGV[2]: the session id (the index member)
-- ARGV[3]: user_id
-- ARGV[4..]: field, value pairs from the caller
-- Reply: created_at (unix seconds, the server's clock), or 0 when the id is already taken.
-- Every check comes before the first write: a script that errors halfway is not rolled back.
if redis.replicate_commands then redis.replicate_commands() end  -- TIME before writes (Redis < 5)
local ttl = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if KEYS[2] then
    local it = redis.call('TYPE', KEYS[2])['ok']
    if it ~= 'none' and it ~= 'set' then
        return redis.error_reply('WRONGTYPE ' .. KEYS[2] .. ' holds a ' .. it ..
                                 ', not a set of session ids')
    end
end
local now = tonumber(redis.call('TIME')[1])
local hset = {'HSET', KEYS[1], 'user_id', ARGV[3], 'created_at', now, 'max_age_ms', ttl}
for i = 4, #ARGV do hset[#hset + 1] = ARGV[i] end
redis.call(unpack(hset))
redis.call('PEXPIRE', KEYS[1], ttl)
if KEYS[2] then
    redis.call('SADD', KEYS[2], ARGV[2])
    local ittl = redis.call('PTTL', KEYS[2])
    -- The index expires with its longest session: a TTL is only ever raised. An index without
    -- one (-1: new, or left by an older redis-ops) gets this session's, so no key redis-ops
    -- writes is immortal.
    if ittl < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return now
