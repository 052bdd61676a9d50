-- expire --undo: restores the expiry a key had before `expire` changed it, but only if its
-- expiry is still exactly the one `expire` set (anything else means someone changed the key
-- since, and their change wins).
-- KEYS[1]  the key
-- ARGV[1]  new_expire_at_ms: the absolute expiry `expire` set (unix ms)
-- ARGV[2]  old_expire_at_ms: the absolute expiry before, or -1 for none
-- ARGV[3]  slack_ms: how far PEXPIRETIME may be from ARGV[1] and still count as equal; 0
--          except on a cluster, where MIGRATE (resharding) sends a TTL as relative time, so a
--          key that moved after the change arrives with its expiry a few milliseconds off
-- Reply: 1 restored (PERSIST, or PEXPIREAT to the old expiry), 2 already restored (its
-- expiry is the old one), 0 left alone (changed since), -1 the key no longer exists.
local now = redis.call('PEXPIRETIME', KEYS[1])
if now == -2 then
    return -1
end
local old = tonumber(ARGV[2])
if now == old then
    return 2
end
if now < 0 or math.abs(now - tonumber(ARGV[1])) > tonumber(ARGV[3]) then
    return 0
end
if old == -1 then
    redis.call('PERSIST', KEYS[1])
else
    -- An old expiry already past deletes the key, as that expiry would have by now.
    redis.call('PEXPIREAT', KEYS[1], ARGV[2])
end
return 1
