-- GCRA rate limit, as redis-cell's CL.THROTTLE (burst = limit, rate = limit per window), in Lua.
-- KEYS[1]  the theoretical arrival time (TAT): server-clock microseconds as a decimal STRING
-- ARGV[1]  limit, units per window and the burst (>= 1)
-- ARGV[2]  window in milliseconds (>= 1)
-- ARGV[3]  cost, units this call asks for (>= 1)
-- ARGV[4]  "hit" consumes when allowed; "peek" writes nothing
-- Reply: {allowed 0|1, remaining, retry_after_ms, reset_after_ms}
--   retry_after_ms: 0 when allowed, -1 when cost > limit (never possible), else >= 1, rounded up
--   reset_after_ms: until the TAT is reached (remaining back to limit); 0 when it already is
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local cost = tonumber(ARGV[3])
local hit = ARGV[4] == 'hit'

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function ms_up(us) return math.max(1, math.ceil(us / 1000)) end

local interval = window / limit -- emission interval T; may be fractional
local tolerance = window         -- delay variation tolerance: limit * T, i.e. the burst
-- Doubles near 1.7e15 us step by 0.25 us, and limit * (window / limit) need not equal window,
-- so comparisons allow this much slack (never as much as one unit).
local slack = math.min(1, interval / 2)

local tat = now
local raw = redis.call('GET', key)
if raw then
    tat = tonumber(raw)
    if not tat then return redis.error_reply('ERR the GCRA state is not a number') end
    if tat < now then tat = now end
end

local new_tat = tat + interval * cost
local diff = now - (new_tat - tolerance) -- < 0: the hit comes too early
local allowed = cost <= limit and diff > -slack
local retry = 0
if cost > limit then retry = -1 elseif not allowed then retry = ms_up(-diff) end

local ttl = tat - now
if allowed and hit then
    -- %.17g keeps the fraction of a fractional interval, so the rate does not drift.
    local at = math.max(math.ceil(new_tat / 1000), math.ceil(now / 1000) + 1000)
    redis.call('SET', key, string.format('%.17g', new_tat), 'PXAT', string.format('%.0f', at))
    ttl = new_tat - now
end

local remaining = math.floor((tolerance - ttl + slack) / interval)
if remaining < 0 then remaining = 0 elseif remaining > limit then remaining = limit end
local reset = 0
if ttl > 0 then reset = ms_up(ttl) end
return {allowed and 1 or 0, remaining, retry, reset}
