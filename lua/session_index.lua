-- The index side of create and touch when the index lives in another hash slot (Cluster):
-- adds the id (when ARGV[2] is not empty) and keeps the index TTL >= the session's.
-- KEYS[1]: the user's index SET (user_sessions:<user>)
-- ARGV[1]: the session's ttl in milliseconds
-- ARGV[2]: the session id to add, or "" to only raise the TTL of an existing index
-- Reply: 1 when the index exists afterwards, 0 otherwise.
local ttl = tonumber(ARGV[1])
local it = redis.call('TYPE', KEYS[1])['ok']
if it ~= 'none' and it ~= 'set' then
    return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' holds a ' .. it ..
                             ', not a set of session ids')
end
if ARGV[2] == '' and it == 'none' then return 0 end
if ARGV[2] ~= '' then redis.call('SADD', KEYS[1], ARGV[2]) end
local ittl = redis.call('PTTL', KEYS[1])
-- Only ever raised; an index without a TTL (-1) gets one: no key redis-ops writes is immortal.
if ittl < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
