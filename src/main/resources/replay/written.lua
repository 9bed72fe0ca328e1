-- Raises the writer's position of one partition; never lowers it.
-- KEYS[1] the written hash; ARGV: partition, position
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or tonumber(current) < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 0
