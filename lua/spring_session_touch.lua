-- Spring Session's touch (RedisIndexedSessionRepository.save + RedisSessionExpirationPolicy
-- .onExpirationUpdated) in one step, for standalone and Sentinel. On a cluster these keys sit in
-- different slots (Spring uses no hash tags), so the caller sends the same commands one key at a
-- time instead, as Spring itself does.
-- KEYS[1]: <ns>:sessions:<id> (the HASH)
-- KEYS[2]: <ns>:sessions:expires:<id>
-- KEYS[3]: <ns>:expirations:<old minute ms> (from the previous lastAccessedTime)
-- KEYS[4]: <ns>:expirations:<new minute ms>
-- ARGV[1]: the new lastAccessedTime, serialized as the session's other values are
-- ARGV[2]: maxInactiveInterval in seconds
-- ARGV[3..]: the member "expires:<id>" in each serializer's form, the session's own first
-- Reply: 1 when touched, 0 when the hash does not exist.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local secs = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'lastAccessedTime', ARGV[1])
-- Move the expirations-set member, keeping the form the application wrote it in.
local member = nil
for i = 3, #ARGV do
    if redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 1 then
        member = member or ARGV[i]
        if KEYS[3] ~= KEYS[4] then redis.call('SREM', KEYS[3], ARGV[i]) end
    end
end
member = member or ARGV[3]
if secs < 0 then
    -- A session that never expires: Spring persists both keys and tracks no expiration.
    redis.call('APPEND', KEYS[2], '')
    redis.call('PERSIST', KEYS[2])
    redis.call('PERSIST', KEYS[1])
    return 1
end
redis.call('SADD', KEYS[4], member)
redis.call('EXPIRE', KEYS[4], secs + 300)
if secs == 0 then
    redis.call('DEL', KEYS[2])
else
    redis.call('APPEND', KEYS[2], '')
    redis.call('EXPIRE', KEYS[2], secs)
end
redis.call('EXPIRE', KEYS[1], secs + 300)
return 1
