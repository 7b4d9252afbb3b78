"""A merchant sets the integration up through the admin API, then the POS web
extension holds money and the receipt's CLOSE captures it (both backends)."""

from __future__ import annotations

from tests.e2e.support import PLATFORM, created, hold_body, issue_card
from tests.lightspeed_support import RTN, SETTINGS, basic, payment, receipt


def integration(merchant) -> str:
    return f"{merchant.path}/integrations/lightspeed"


def test_the_settings_are_replaced_and_read_back(client, merchant):
    body = {
        "gift_card_skus": [" GC-ANY ", "GC-ANY", "GC-50"],
        "payment_method_codes": ["GIFTCARD"],
        "hold_ttl_seconds": 600,
    }
    put = client.put(integration(merchant), json=body, headers=merchant.admin)
    assert put.status_code == 200, put.json
    assert put.json["gift_card_skus"] == ["GC-ANY", "GC-50"]
    assert put.json["card_reference_prefix"] == "GIFTCARD"  # the default
    assert put.json["hold_ttl_seconds"] == 600
    assert put.json["webhook_path"] == RTN
    assert put.json["business_location_ids"] == [merchant.location_id]
    got = client.get(integration(merchant), headers=merchant.admin)
    assert got.json == put.json
    # A PUT replaces everything: what is left out goes back to its default.
    again = client.put(integration(merchant), json={}, headers=PLATFORM)
    assert (again.json["gift_card_skus"], again.json["hold_ttl_seconds"]) == ([], 900)


def test_bad_settings_are_400_with_every_field(client, merchant):
    body = {
        "gift_card_skus": "GC-ANY",
        "payment_method_codes": [""],
        "hold_ttl_seconds": 5,
        "card_reference_prefix": "",
        "surprise": 1,
    }
    answer = client.put(integration(merchant), json=body, headers=merchant.admin)
    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert set(answer.json["errors"]) == {
        "gift_card_skus", "payment_method_codes", "hold_ttl_seconds",
        "card_reference_prefix", "surprise",
    }  # fmt: skip


def test_settings_need_the_merchants_admin_credential(client, merchant):
    other = created(
        client.post("/v1/merchants", json={"name": "B", "currency": "GBP"},
                    headers=PLATFORM)
    )  # fmt: skip
    path = f"/v1/merchants/{other['merchant_id']}/integrations/lightspeed"
    assert client.put(path, json={}, headers=merchant.admin).status_code == 404
    assert client.put(integration(merchant), json={}).status_code == 401
    assert (
        client.put(integration(merchant), json={}, headers=merchant.pos).status_code
        == 403
    )


def test_a_pos_hold_is_captured_by_the_receipts_close(client, merchant):
    put = client.put(integration(merchant), json=SETTINGS, headers=merchant.admin)
    assert put.status_code == 200
    hook = created(
        client.post(f"{merchant.path}/credentials", json={"kind": "webhook"},
                    headers=merchant.admin)
    )  # fmt: skip
    auth = basic(hook["username"], hook["secret"])
    code = issue_card(client, merchant, 5000)
    placed = created(
        client.post("/v1/pos/holds", json=hold_body(merchant, code, 1850,
                    account_id="700000000001"), headers=merchant.pos)
    )  # fmt: skip
    assert placed["card"]["available"] == 5000 - 1850

    body = receipt(
        700000000001, payments=[payment(7, "18.50"), payment(8, "4.00", method="CASH")]
    )
    answer = client.post(RTN, json=body, headers=auth)
    assert answer.status_code == 200, answer.json
    [outcome] = answer.json["outcomes"]
    assert (outcome["kind"], outcome["result"], outcome["amount"]) == (
        "payment", "applied", 1850,
    )  # fmt: skip
    assert outcome["hold_id"] == placed["hold_id"]
    card = client.get(f"/v1/pos/cards/{code}", headers=merchant.pos).json
    assert (card["balance"], card["held"], card["available"]) == (3150, 0, 3150)
    # The POS sees the hold captured; capturing it again is refused.
    again = client.post(f"/v1/pos/holds/{placed['hold_id']}/capture", json={},
                        headers=merchant.pos)  # fmt: skip
    assert again.status_code == 409
