-- "Log out everywhere", step 1: moves the user's index out of the way so that sessions created
-- from now on go into a fresh index, and the old one can be drained in batches.
-- KEYS[1]: the user's index SET
-- KEYS[2]: the tombstone, a same-slot key ({user_sessions:<user>}:destroying:<rand>)
-- Reply: the number of ids in the detached index (0 when there was none).
-- RENAME keeps the index TTL, so a tombstone left by a crash still expires on its own.
local it = redis.call('TYPE', KEYS[1])['ok']
if it == 'none' then return 0 end
if it ~= 'set' then
    return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' holds a ' .. it ..
                             ', not a set of session ids')
end
local n = redis.call('SCARD', KEYS[1])
redis.call('RENAME', KEYS[1], KEYS[2])
return n
