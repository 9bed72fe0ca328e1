-- The writer's position one max age ago: events below it may have expired.
-- KEYS[1] the partition's checkpoints; ARGV: max age (ms). Returns the position, or false.
local now = redis.call('TIME')
local cutoff = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[1])
local newest = redis.call('ZREVRANGEBYSCORE', KEYS[1], cutoff, '-inf', 'LIMIT', 0, 1)[1]
if not newest then return false end
return string.match(newest, '^(%d+):')
