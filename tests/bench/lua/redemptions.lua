-- POS redemptions: POST /v1/pos/redemptions, 1 penny, fresh Idempotency-Key each.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function scenario_init()
   auth = "Bearer " .. os.getenv("BENCH_POS_TOKEN")
end

function make_request()
   local key = next_key()
   local body = string.format(
      '{"card_code": "%s", "amount": 1, "currency": "GBP", "business_location_id": "%s"}',
      random_card(), location)
   return wrk.format("POST", "/v1/pos/redemptions", {
      ["Authorization"] = auth,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = key,
   }, body)
end
