"""Lightspeed ids: a JSON number or a string of digits in, a string out, everywhere."""

from __future__ import annotations

import pytest

from service.admin.schemas import SiteCreate
from service.http.fastschema import fast_load
from service.http.schemas import _instance
from service.pos.schemas import HoldCreate, RedemptionCreate
from tests.e2e.support import PLATFORM, created, hold_body, issue_card

LOCATION = 40570261078018
BAD = [4.0570261078018e13, 1.0, True, False, -5, "-5", "+5", "4057 0", "40x", "", None]


@pytest.mark.parametrize("location", [LOCATION, str(LOCATION)])
@pytest.mark.parametrize("account", [7001, "7001"])
def test_holds_and_redemptions_take_numbers_or_digit_strings(
    client, merchant, location, account
):
    code = issue_card(client, merchant, 5000)
    body = hold_body(
        merchant, code, 100, business_location_id=location, account_id=account
    )
    held = created(client.post("/v1/pos/holds", json=body, headers=merchant.pos))
    assert held["business_location_id"] == str(LOCATION)
    assert held["account_id"] == "7001"
    body = {**body, "account_id": account}
    redeemed = client.post("/v1/pos/redemptions", json=body, headers=merchant.pos)
    assert redeemed.status_code == 201


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("field", ["business_location_id", "account_id"])
def test_anything_else_is_a_400_that_changes_nothing(client, merchant, field, bad):
    code = issue_card(client, merchant, 5000)
    body = {**hold_body(merchant, code, 100), field: bad}
    answer = client.post("/v1/pos/holds", json=body, headers=merchant.pos)
    assert answer.status_code == 400, answer.json
    assert set(answer.json["errors"]) == {field}
    card = client.get(f"/v1/pos/cards/{code}", headers=merchant.pos).json
    assert card["available"] == 5000 and card["version"] == 1


def test_a_site_takes_its_location_as_a_number_and_answers_a_string(client):
    made = created(
        client.post("/v1/merchants", json={"name": "N", "currency": "GBP"},
                    headers=PLATFORM)
    )  # fmt: skip
    path = f"/v1/merchants/{made['merchant_id']}/sites"
    site = {"name": "Till", "lightspeed_business_location_id": 123456789012345}
    answer = created(client.post(path, json=site, headers=PLATFORM))
    assert answer["lightspeed_business_location_id"] == "123456789012345"
    same = client.post(
        path, json={**site, "lightspeed_business_location_id": "123456789012345"},
        headers=PLATFORM,
    )  # fmt: skip
    assert same.status_code == 400  # one site, whichever form named it
    for bad in (1.5, True, -1, "12a"):
        refused = client.post(
            path, json={**site, "lightspeed_business_location_id": bad},
            headers=PLATFORM,
        )  # fmt: skip
        assert refused.status_code == 400
        assert set(refused.json["errors"]) == {"lightspeed_business_location_id"}


@pytest.mark.parametrize("schema", [HoldCreate, RedemptionCreate, SiteCreate])
@pytest.mark.parametrize("value", [LOCATION, str(LOCATION), "007", *BAD, 10**20])
def test_the_compiled_fast_path_agrees_with_marshmallow(schema, value):
    instance = _instance(schema)
    field = (
        "lightspeed_business_location_id"
        if schema is SiteCreate
        else "business_location_id"
    )
    good = {
        HoldCreate: {"card_code": "CARD1234", "amount": 5, "currency": "GBP",
                     "business_location_id": "1", "account_id": "2"},
        RedemptionCreate: {"card_code": "CARD1234", "amount": 5, "currency": "GBP",
                           "business_location_id": "1"},
        SiteCreate: {"name": "Till", "lightspeed_business_location_id": "1"},
    }[schema]  # fmt: skip
    data = {**good, field: value}
    try:
        expected = ("ok", instance.load(data))
    except Exception as error:
        expected = ("error", error.messages)  # type: ignore[attr-defined]
    try:
        got = ("ok", fast_load(instance, data))
    except Exception as error:
        got = ("error", error.messages)  # type: ignore[attr-defined]
    assert got == expected
    plan = vars(instance).get(f"_giftledger_fast_load_{instance.unknown}")
    assert plan is not None  # the compiled plan ran, not marshmallow alone


def test_openapi_says_number_or_digits_in_and_a_string_out(client):
    doc = client.get("/openapi.json").json
    schemas = doc["components"]["schemas"]
    hold_in = schemas["HoldCreate"]["properties"]
    for name in ("business_location_id", "account_id"):
        kinds = {alt["type"] for alt in hold_in[name]["oneOf"]}
        assert kinds == {"string", "integer"}
        assert hold_in[name]["oneOf"][0]["pattern"] == "^[0-9]{1,20}$"
    site_in = schemas["SiteCreate"]["properties"]["lightspeed_business_location_id"]
    assert {alt["type"] for alt in site_in["oneOf"]} == {"string", "integer"}
    hold_out = schemas["HoldPlaced"]["properties"]["business_location_id"]
    assert "string" in hold_out["type"]
