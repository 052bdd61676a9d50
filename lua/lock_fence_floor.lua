-- lock_fence_floor: raise a fencing counter to at least a value (Redlock keeps the counters of
-- the instances that granted a lock in step, so the next quorum draws a higher token), and
-- refresh its TTL, so the counter is never left without one.
-- KEYS[1] fencing counter
-- ARGV[1] floor
-- ARGV[2] fencing counter TTL in milliseconds (> 0)
-- Reply: the counter's value after the call (integer)
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if current < floor then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return floor
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return current
