-- Fixed-window rate limit: a counter per window of WINDOW_MS aligned to the server clock
-- (window index = floor(TIME / window)).
-- KEYS[1]  the counter of one window, "<base>:fixed:<window-index>" (a STRING integer)
-- ARGV[1]  limit, units per window (>= 1)
-- ARGV[2]  window in milliseconds (>= 1)
-- ARGV[3]  cost, units this call asks for (>= 1)
-- ARGV[4]  "hit" consumes when allowed; "peek" writes nothing
-- ARGV[5]  the window index KEYS[1] was named for (from a TIME the caller read just before)
-- Reply: {allowed 0|1, remaining, retry_after_ms, reset_after_ms}, or {-1, index} when ARGV[5]
--   is no longer the current window: nothing was touched, and the caller calls again with the
--   key of that index. (The key name depends on the time, but every key a script touches must
--   be in KEYS, so the index cannot be chosen in here.)
--   retry_after_ms: 0 when allowed, -1 when cost > limit (never possible), else >= 1, rounded up
--   reset_after_ms: until this window ends while it holds any count; 0 otherwise
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local cost = tonumber(ARGV[3])
local hit = ARGV[4] == 'hit'

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function int(x) return string.format('%.0f', x) end

local index = math.floor(now / window)
if int(index) ~= ARGV[5] then return {-1, index} end

local used = 0
local raw = redis.call('GET', key)
if raw then
    used = tonumber(raw)
    if not used then return redis.error_reply('ERR the window counter is not an integer') end
end

local window_end = (index + 1) * window
local left = math.max(1, math.ceil((window_end - now) / 1000))
local allowed = cost <= limit and used + cost <= limit
local retry = 0
if cost > limit then retry = -1 elseif not allowed then retry = left end

if allowed and hit then
    redis.call('INCRBY', key, cost)
    -- Set with the increment, so the counter never exists without a TTL. It lives exactly to
    -- the window's end (a rounded-up millisecond, never early), and at least 1 s.
    local at = math.max(math.ceil(window_end / 1000), math.ceil(now / 1000) + 1000)
    redis.call('PEXPIREAT', key, int(at))
    used = used + cost
end

local reset = 0
if used > 0 then reset = left end
return {allowed and 1 or 0, math.max(0, limit - used), retry, reset}
