-- Shared by every scenario: per-thread ids, non-2xx counting, a JSON summary line.
-- Each scenario script sets `make_request` and then calls this file via dofile.

local threads = {}
local counter = 0
non2xx = 0

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

function init(args)
   math.randomseed(os.time() * 1000 + tid * 7919)
   -- A fresh Idempotency-Key per request: run id, thread id and a counter.
   key_prefix = string.format("%s-%d", os.getenv("BENCH_RUN_ID") or "run", tid)
   ncards = tonumber(os.getenv("BENCH_CARDS") or "1000")
   card_format = os.getenv("BENCH_CARD_FORMAT") or "BENCH%012d"
   location = os.getenv("BENCH_LOCATION") or "40570261078018"
   if scenario_init then scenario_init() end
end

function next_key()
   counter = counter + 1
   return key_prefix .. "-" .. counter, counter
end

function random_card()
   local fixed = os.getenv("BENCH_CARD")
   if fixed and fixed ~= "" then return fixed end
   return string.format(card_format, math.random(0, ncards - 1))
end

function request()
   return make_request()
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non2xx") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d,'
      .. ' "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
      summary.requests, summary.duration, bad,
      e.connect + e.read + e.write + e.timeout,
      latency:percentile(50), latency:percentile(99), latency.max))
end
