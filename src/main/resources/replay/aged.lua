-- The writer's position one max age ago, per partition: events below it may have expired.
-- KEYS: the partitions' checkpoints; ARGV[1]: max age (ms). Returns, per key in order, the position or false.
local now = redis.call('TIME')
local cutoff = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[1])
local positions = {}
for i, key in ipairs(KEYS) do
  local newest = redis.call('ZREVRANGEBYSCORE', key, cutoff, '-inf', 'LIMIT', 0, 1)[1]
  positions[i] = newest and string.match(newest, '^(%d+):') or false
end
return positions
