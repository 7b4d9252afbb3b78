-- The floor: the same JSON body as a redemption, one INSERT per request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function make_request()
   local key = next_key()
   local body = string.format(
      '{"card_code": "%s", "amount": 1, "currency": "GBP", "business_location_id": "%s"}',
      random_card(), location)
   return wrk.format("POST", "/floor", {
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = key,
   }, body)
end
