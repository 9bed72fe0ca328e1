-- Appends one event to one channel's history, atomically with its trimming and expiry.
-- KEYS[1] the channel's stream, KEYS[2] its meta hash (both hash-tagged by channel, one cluster slot).
-- ARGV: topic, partition, offset, data, max events, max age (ms), ttl (ms)
-- Returns 1 if appended, 0 if this record was already there (a redelivery).
local part = ARGV[1] .. ':' .. ARGV[2]
local offset = tonumber(ARGV[3])
local last = redis.call('HGET', KEYS[2], 'last:' .. part)
if last and tonumber(last) >= offset then
  return 0
end
redis.call('XADD', KEYS[1], '*', 't', ARGV[1], 'p', ARGV[2], 'o', ARGV[3], 'd', ARGV[4])
redis.call('HSET', KEYS[2], 'last:' .. part, ARGV[3])

local now = redis.call('TIME')
local oldest_kept = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[6])
local max_events = tonumber(ARGV[5])
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
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return 1
