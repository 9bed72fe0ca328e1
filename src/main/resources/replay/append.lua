-- Appends events to one channel's history, in order, atomically with its trimming and expiry.
-- KEYS[1] the channel's stream, KEYS[2] its meta hash (both hash-tagged by channel, one cluster slot).
-- ARGV: max events, max age (ms), ttl (ms), then per event: topic, partition, offset, data
-- An event at or below the last offset appended of its partition is skipped (a redelivery).
-- Returns the number of events appended.
local appended = 0
for i = 4, #ARGV, 4 do
  local last_field = 'last:' .. ARGV[i] .. ':' .. ARGV[i + 1]
  local last = redis.call('HGET', KEYS[2], last_field)
  if not last or tonumber(last) < tonumber(ARGV[i + 2]) then
    redis.call('XADD', KEYS[1], '*', 't', ARGV[i], 'p', ARGV[i + 1], 'o', ARGV[i + 2], 'd', ARGV[i + 3])
    redis.call('HSET', KEYS[2], last_field, ARGV[i + 2])
    appended = appended + 1
  end
end
if appended == 0 then
  return 0
end

local now = redis.call('TIME')
local oldest_kept = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[2])
local max_events = tonumber(ARGV[1])
-- Every event trimmed raises the floor of its partition: a reader then knows history below it is gone.
while true do
  local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
  if not first then break end
  local written_at = tonumber(string.match(first[1], '^(%d+)'))
  if redis.call('XLEN', KEYS[1]) <= max_events and written_at >= oldest_kept then break end
  local f = first[2]
  local t, p, o
  for i = 1, #f, 2 do
    if f[i] == 't' then t = f[i + 1] elseif f[i] == 'p' then p = f[i + 1] elseif f[i] == 'o' then o = f[i + 1] end
  end
  local floor_field = 'floor:' .. t .. ':' .. p
  local floor = redis.call('HGET', KEYS[2], floor_field)
  if not floor or tonumber(floor) < tonumber(o) + 1 then
    redis.call('HSET', KEYS[2], floor_field, tonumber(o) + 1)
  end
  redis.call('XDEL', KEYS[1], first[1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return appended
