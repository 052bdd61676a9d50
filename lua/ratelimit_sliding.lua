-- Sliding-log rate limit: at most LIMIT units in any window of WINDOW_MS, on the server clock.
-- KEYS[1]  the log, a ZSET with one member per consumed unit, scored by TIME in microseconds
-- ARGV[1]  limit, units per window (>= 1)
-- ARGV[2]  window in milliseconds (>= 1)
-- ARGV[3]  cost, units this call asks for (>= 1)
-- ARGV[4]  "hit" consumes when allowed; "peek" writes nothing
-- ARGV[5]  a random nonce of this call: members are "<us>:<nonce>:<i>", so two calls in the same
--          microsecond (or one call of cost > 1) never collide and silently count once
-- Reply: {allowed 0|1, remaining, retry_after_ms, reset_after_ms}
--   retry_after_ms: 0 when allowed, -1 when cost > limit (never possible), else >= 1, rounded up
--   reset_after_ms: until the log is empty (remaining back to limit); 0 when it already is
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local cost = tonumber(ARGV[3])
local hit = ARGV[4] == 'hit'

-- Redis 7 replicates a script's effects, not the script, so TIME may precede writes.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function int(x) return string.format('%.0f', x) end
local function ms_up(us) return math.max(1, math.ceil(us / 1000)) end

-- An entry scored at or before the cutoff has left the window.
local cutoff = now - window
if hit then redis.call('ZREMRANGEBYSCORE', key, '-inf', int(cutoff)) end
local used = redis.call('ZCOUNT', key, '(' .. int(cutoff), '+inf')

local allowed = cost <= limit and used + cost <= limit
local retry = 0
if cost > limit then
    retry = -1
elseif not allowed then
    -- The (used + cost - limit)-th oldest live entry must leave the window first.
    local e = redis.call('ZRANGEBYSCORE', key, '(' .. int(cutoff), '+inf', 'WITHSCORES',
        'LIMIT', used + cost - limit - 1, 1)
    retry = ms_up(tonumber(e[2]) + window - now)
end

if allowed and hit then
    local stamp = int(now) .. ':' .. ARGV[5] .. ':'
    local args = {}
    for i = 1, cost do
        args[#args + 1] = int(now)
        args[#args + 1] = stamp .. i
        if #args >= 1000 or i == cost then -- stay far below Lua's unpack limit
            redis.call('ZADD', key, unpack(args))
            args = {}
        end
    end
    used = used + cost
    -- The newest entry leaves the window at now + window; the log is useless after that.
    -- PEXPIREAT on a rounded-up millisecond never drops it early (min 1 s, as for every key).
    local at = math.max(math.ceil((now + window) / 1000), math.ceil(now / 1000) + 1000)
    redis.call('PEXPIREAT', key, int(at))
end

local reset = 0
if used > 0 then
    local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
    reset = ms_up(tonumber(newest[2]) + window - now)
end
return {allowed and 1 or 0, math.max(0, limit - used), retry, reset}
