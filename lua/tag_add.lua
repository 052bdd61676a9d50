-- Adds a key to a tag set on the tag's own node (the cluster path of `cache set --tag`, where
-- the value and the tag set live in different slots), keeping the set's TTL >= the member's.
-- KEYS[1] the tag set
-- ARGV[1] the member key, ARGV[2] the member's ttl in ms
-- Reply: 1 if the member was new to the set, 0 if it was already there.
local ttl = tonumber(ARGV[2])
local t = redis.call('TYPE', KEYS[1]).ok
if t ~= 'set' and t ~= 'none' then
    return redis.error_reply('WRONGTYPE tag key ' .. KEYS[1] .. ' holds a ' .. t .. ', not a set')
end
-- Like PEXPIRE … GT, but also for a set that does not exist yet, and on Redis < 7.
local before = redis.call('PTTL', KEYS[1])
local added = redis.call('SADD', KEYS[1], ARGV[1])
if before == -2 or (before >= 0 and before < ttl) then
    redis.call('PEXPIRE', KEYS[1], ttl)
end
return added
