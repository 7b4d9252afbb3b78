-- Lightspeed RTN CLOSE receipts, one gift-card payment line each, unique account ids.
-- The receipt template (the shape of rtn-giftcard-payment-close.json) is written by
-- the harness; __ACCOUNT__, __LINE1__.. and __CODE__ are filled in per request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function scenario_init()
   auth = "Basic " .. os.getenv("BENCH_WEBHOOK_BASIC")
   local file = assert(io.open(os.getenv("BENCH_RTN_TEMPLATE"), "r"))
   template = file:read("*a")
   file:close()
   account_base = tonumber(os.getenv("BENCH_ACCOUNT_BASE") or "0") + tid * 10000000
end

function make_request()
   local _, n = next_key()
   local account = string.format("%d", account_base + n)
   local body = template:gsub("__ACCOUNT__", account)
   body = body:gsub("__LINE(%d)__", function(d) return account .. d end)
   body = body:gsub("__CODE__", random_card())
   return wrk.format("POST", "/v1/webhooks/lightspeed/rtn", {
      ["Authorization"] = auth,
      ["Content-Type"] = "application/json",
   }, body)
end
