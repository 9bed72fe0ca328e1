-- The writer's progress, read at one instant. KEYS[1] coverage hash, KEYS[2] written hash.
-- Returns { coverage as field, value, ... ; written as field, value, ... }.
return { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]) }
