-- The trim floors of one channel. KEYS[1] its meta hash. Returns field, value, ... for the floor:* fields.
local all = redis.call('HGETALL', KEYS[1])
local floors = {}
for i = 1, #all, 2 do
  if string.sub(all[i], 1, 6) == 'floor:' then
    floors[#floors + 1] = string.sub(all[i], 7)
    floors[#floors + 1] = all[i + 1]
  end
end
return floors
