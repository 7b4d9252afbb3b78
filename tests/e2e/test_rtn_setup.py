"""A merchant sets the integration up through the admin API, then the POS web
extension holds money and the receipt's CLOSE captures it (both backends)."""

from __future__ import annotations

import pytest

from tests.e2e.support import (
    PLATFORM,
    created,
    hold_body,
    issue_card,
    redemption_body,
)
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


def webhook_auth(client, merchant) -> dict[str, str]:
    put = client.put(integration(merchant), json=SETTINGS, headers=merchant.admin)
    assert put.status_code == 200
    hook = created(
        client.post(f"{merchant.path}/credentials", json={"kind": "webhook"},
                    headers=merchant.admin)
    )  # fmt: skip
    return basic(hook["username"], hook["secret"])


@pytest.mark.parametrize("named", [True, False], ids=["card-named", "no-reference"])
def test_a_hold_the_pos_captured_itself_is_not_taken_again_at_close(
    client, merchant, named
):
    auth = webhook_auth(client, merchant)
    code = issue_card(client, merchant, 5000)
    placed = created(
        client.post("/v1/pos/holds", json=hold_body(merchant, code, 1200,
                    account_id="710"), headers=merchant.pos)
    )  # fmt: skip
    captured = client.post(f"/v1/pos/holds/{placed['hold_id']}/capture", json={},
                           headers=merchant.pos)  # fmt: skip
    assert captured.status_code == 200
    line = payment(1, "12.00", reference=code if named else None)
    answer = client.post(RTN, json=receipt(710, payments=[line]), headers=auth)
    [outcome] = answer.json["outcomes"]
    assert (outcome["result"], outcome["hold_id"]) == ("duplicate", placed["hold_id"])
    balance = client.get(f"/v1/pos/cards/{code}", headers=merchant.pos).json["balance"]
    assert balance == 3800
    # Its refund receipt still finds the payment to give back.
    back = receipt(711, origin_account_id=710, payments=[payment(1, "-12.00")])
    refunded = client.post(RTN, json=back, headers=auth).json["outcomes"]
    assert [(o["kind"], o["result"]) for o in refunded] == [("refund", "applied")]
    assert (
        client.get(f"/v1/pos/cards/{code}", headers=merchant.pos).json["balance"]
        == 5000
    )


def test_a_pos_redemption_for_the_account_is_not_taken_again_at_close(client, merchant):
    auth = webhook_auth(client, merchant)
    code = issue_card(client, merchant, 5000)
    body = redemption_body(merchant, code, 700, account_id="720")
    assert client.post("/v1/pos/redemptions", json=body,
                       headers=merchant.pos).status_code == 201  # fmt: skip
    paid = receipt(720, payments=[payment(1, "7.00", reference=code),
                                  payment(2, "3.00", reference=code)])  # fmt: skip
    outcomes = client.post(RTN, json=paid, headers=auth).json["outcomes"]
    # The 7.00 was taken over the API; the 3.00 is taken by the receipt.
    assert [(o["amount"], o["result"]) for o in outcomes] == [
        (700, "duplicate"), (300, "applied"),
    ]  # fmt: skip
    card = client.get(f"/v1/pos/cards/{code}", headers=merchant.pos).json
    assert card["balance"] == 4000
