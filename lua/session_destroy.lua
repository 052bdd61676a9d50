-- Deletes a session and its index entry together.
-- KEYS[1]: the session key
-- KEYS[2]: the user's index SET (same hash slot as KEYS[1]; on a cluster the caller deletes
--          the session first and then SREMs the entry on the index's node instead)
-- ARGV[1]: the session id
-- Reply: 1 when the session existed, 0 otherwise (the index entry is removed either way).
-- The session goes even when the index is not a SET: ending the session is the point, and a
-- Lua error after a write does not undo it, so the caller still hears about the bad index.
local n = redis.call('DEL', KEYS[1])
local it = redis.call('TYPE', KEYS[2])['ok']
if it ~= 'none' and it ~= 'set' then
    return redis.error_reply('WRONGTYPE ' .. KEYS[2] .. ' holds a ' .. it ..
                             ', not a set of session ids')
end
redis.call('SREM', KEYS[2], ARGV[1])
return n
