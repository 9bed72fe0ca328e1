-- Reads one channel's events at or after a position in each partition, and its trim floors, in one atomic step.
-- KEYS[1] the channel's stream, KEYS[2] its meta hash.
-- ARGV: the first page's size, how many times larger each next page is, the largest page's size, then per
-- partition: its key ('prices:0'), its position.
-- A partition not given is read from 0.
-- Returns { events, floors }: events newest first, as stream id, topic, partition, offset, data, ...; floors as
-- partition key, floor, ...
--
-- The stream is read back from its newest event a page at a time, each page larger than the one before, and only as
-- far as the oldest event needed. The last offset appended of each partition ('last:' fields) says which partitions
-- have events at or after their position; the read stops once it has passed that position in each of them (offsets
-- rise within a partition of a channel), or at the oldest event. It cannot stop at the first event it does not
-- need: older events of another partition may still be after that partition's position (pods are not in step).
local from = {}
for i = 4, #ARGV, 2 do
  from[ARGV[i]] = tonumber(ARGV[i + 1])
end

local missing, still_missing = {}, 0
local floors = {}
local meta = redis.call('HGETALL', KEYS[2])
for i = 1, #meta, 2 do
  local field = meta[i]
  if string.sub(field, 1, 5) == 'last:' then
    local key = string.sub(field, 6)
    if tonumber(meta[i + 1]) >= (from[key] or 0) then
      missing[key] = true
      still_missing = still_missing + 1
    end
  elseif string.sub(field, 1, 6) == 'floor:' then
    floors[#floors + 1] = string.sub(field, 7)
    floors[#floors + 1] = meta[i + 1]
  end
end

local events = {}
local count = tonumber(ARGV[1])
local growth = tonumber(ARGV[2])
local largest = tonumber(ARGV[3])
local before = '+'
while still_missing > 0 do
  local page = redis.call('XREVRANGE', KEYS[1], before, '-', 'COUNT', count)
  for _, entry in ipairs(page) do
    local f = entry[2]
    local t, p, o, d
    for j = 1, #f, 2 do
      if f[j] == 't' then t = f[j + 1] elseif f[j] == 'p' then p = f[j + 1]
      elseif f[j] == 'o' then o = f[j + 1] elseif f[j] == 'd' then d = f[j + 1] end
    end
    local key = t .. ':' .. p
    if tonumber(o) >= (from[key] or 0) then
      events[#events + 1] = entry[1]
      events[#events + 1] = t
      events[#events + 1] = p
      events[#events + 1] = o
      events[#events + 1] = d
    elseif missing[key] then
      missing[key] = nil
      still_missing = still_missing - 1
    end
  end
  if #page < count then break end
  before = '(' .. page[#page][1]
  count = math.min(count * growth, largest)
end
return { events, floors }
