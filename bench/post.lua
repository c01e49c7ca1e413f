-- Edit-POSTs of a patient's existing entries, cycling through the dates given in BENCH_DATES.
dofile("bench/report.lua")
local dates = {}
for d in string.gmatch(os.getenv("BENCH_DATES"), "[^,]+") do table.insert(dates, d) end
local body_template = os.getenv("BENCH_BODY")
local counter = 0

request = function()
  counter = counter + 1
  local day = dates[(counter % #dates) + 1]
  local body = string.gsub(body_template, "DATE", day)
  return wrk.format("POST", "/diary/" .. day .. "/", nil, body)
end
