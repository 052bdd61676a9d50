-- Reads one session in a single round trip, whatever its layout.
-- KEYS[1]: the session key (session:<id>)
-- Reply: {type} when the key is not a session ("none" when missing, "list", "set", …);
--        {"hash", pttl, {field, value, …}} for the HASH layout;
--        {"string", pttl, value} for a session stored as a (JSON) string.
-- pttl follows PTTL: -1 means the key has no expiry.
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'hash' then
    return {t, redis.call('PTTL', KEYS[1]), redis.call('HGETALL', KEYS[1])}
elseif t == 'string' then
    return {t, redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[1])}
end
return {t}
