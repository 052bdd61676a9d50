-- Releases the single-flight lock of `cache fetch` by compare-and-delete, and tells the waiters
-- why (e.g. 'fail 3' when the command failed), but only while the lock is still ours: after it
-- was lost another caller is computing, and its waiters must keep waiting for it.
-- KEYS[1] the lock key
-- ARGV[1] the owner token, ARGV[2] the notify channel, ARGV[3] the message ('' for none)
-- Reply: 1 released, 0 not the owner (nothing changed, nothing published).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
    return 0
end
redis.call('DEL', KEYS[1])
if ARGV[3] ~= '' then
    redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return 1
