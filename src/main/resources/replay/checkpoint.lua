-- Records the writer's position of one partition at this time: raises its written position, re-claims coverage
-- if it was lost (an emptied Redis), and keeps the position over time for the age floor.
-- KEYS[1] coverage hash, KEYS[2] written hash, KEYS[3] the partition's checkpoints (sorted set of "position:time")
-- ARGV: partition, position, max age (ms)
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
local written = redis.call('HGET', KEYS[2], ARGV[1])
if not written or tonumber(written) < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZADD', KEYS[3], now_ms, ARGV[2] .. ':' .. now_ms)
-- Drop what is older than the newest checkpoint of one max age ago: that one is the age floor and must stay,
-- however long the writer paused. The set has no expiry for the same reason; pruning keeps it small.
local floor = redis.call('ZREVRANGEBYSCORE', KEYS[3], now_ms - tonumber(ARGV[3]), '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
if floor[2] then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. floor[2])
end
return 0
