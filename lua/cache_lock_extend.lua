-- Renews the single-flight lock of `cache fetch` while its command runs, if still ours.
-- KEYS[1] the lock key
-- ARGV[1] the owner token, ARGV[2] the new ttl in ms
-- Reply: 1 renewed, 0 the lock expired or belongs to another caller now.
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
