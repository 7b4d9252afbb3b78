"""The POS API end to end: look-up, holds, captures, releases, redemptions, refunds."""

from __future__ import annotations

import json

from service.http.schemas import CardSchema
from tests.e2e.support import (
    created,
    hold_body,
    issue_card,
    redemption_body,
    set_up_merchant,
)


def test_a_card_is_looked_up_held_captured_redeemed_and_refunded(client, merchant):
    code = issue_card(client, merchant, 5000)

    card = created(client.get(f"/v1/pos/cards/{code}", headers=merchant.pos), 200)
    assert card["masked_code"] == "****" + code[-4:]
    assert (card["balance"], card["held"], card["available"]) == (5000, 0, 5000)
    assert card["state"] == "active" and card["currency"] == "GBP"
    assert code not in str(card)

    hold = created(
        client.post("/v1/pos/holds", json=hold_body(merchant, code, 2000),
                    headers=merchant.pos)
    )  # fmt: skip
    assert hold["amount"] == 2000 and hold["status"] == "open"
    assert hold["account_id"] == "81"
    assert hold["business_location_id"] == merchant.location_id
    assert hold["expires_at"].startswith("2026-11-01T12:15:00")  # TTL 900 s
    assert (hold["card"]["held"], hold["card"]["available"]) == (2000, 3000)

    hold_id = hold["hold_id"]
    captured = created(
        client.post(f"/v1/pos/holds/{hold_id}/capture", json={"amount": 1500},
                    headers=merchant.pos), 200,
    )  # fmt: skip
    assert captured["hold"]["status"] == "captured"
    assert captured["hold"]["captured_amount"] == 1500
    assert (captured["card"]["balance"], captured["card"]["held"]) == (3500, 0)

    redeemed = created(
        client.post("/v1/pos/redemptions", json=redemption_body(merchant, code, 500),
                    headers=merchant.pos)
    )  # fmt: skip
    assert redeemed["amount"] == 500 and redeemed["card"]["balance"] == 3000
    redemption_id = redeemed["redemption_id"]

    refund = created(
        client.post(f"/v1/pos/redemptions/{redemption_id}/refunds",
                    json={"amount": 200}, headers=merchant.pos)
    )  # fmt: skip
    assert refund["refund"]["amount"] == 200
    assert refund["refund"]["refundable"] == 300
    assert refund["card"]["balance"] == 3200

    # A captured hold is refundable under its hold id.
    created(
        client.post(f"/v1/pos/redemptions/{hold_id}/refunds", json={"amount": 1500},
                    headers=merchant.pos)
    )  # fmt: skip
    card = created(client.get(f"/v1/pos/cards/{code}", headers=merchant.pos), 200)
    assert card["balance"] == 4700


def test_refunds_never_return_more_than_the_redemption_took(client, merchant):
    code = issue_card(client, merchant, 1000)
    redeemed = created(
        client.post("/v1/pos/redemptions", json=redemption_body(merchant, code, 600),
                    headers=merchant.pos)
    )  # fmt: skip
    url = f"/v1/pos/redemptions/{redeemed['redemption_id']}/refunds"
    created(client.post(url, json={"amount": 400}, headers=merchant.pos))
    over = client.post(url, json={"amount": 201}, headers=merchant.pos)
    assert over.status_code == 422
    assert over.json["code"] == "refund_exceeds_redemption"
    missing = client.post(
        "/v1/pos/redemptions/00000000-0000-0000-0000-000000000000/refunds",
        json={"amount": 1}, headers=merchant.pos,
    )  # fmt: skip
    assert (missing.status_code, missing.json["code"]) == (404, "redemption_not_found")


def test_a_hold_is_released_and_cannot_be_resolved_twice(client, merchant):
    code = issue_card(client, merchant, 1000)
    hold = created(
        client.post("/v1/pos/holds", json=hold_body(merchant, code, 1000),
                    headers=merchant.pos)
    )  # fmt: skip
    url = f"/v1/pos/holds/{hold['hold_id']}"
    released = created(client.post(f"{url}/release", headers=merchant.pos), 200)
    assert released["hold"]["status"] == "released"
    assert released["card"]["available"] == 1000
    for action in ("release", "capture"):
        again = client.post(f"{url}/{action}", json={}, headers=merchant.pos)
        assert again.status_code == 409
        assert again.json["code"] == "hold_already_resolved"


def test_a_hold_expires_after_the_ttl_and_its_money_is_free_again(
    client, merchant, clock
):
    code = issue_card(client, merchant, 1000)
    hold = created(
        client.post("/v1/pos/holds", json=hold_body(merchant, code, 800),
                    headers=merchant.pos)
    )  # fmt: skip
    clock.advance(901)
    card = created(client.get(f"/v1/pos/cards/{code}", headers=merchant.pos), 200)
    assert (card["held"], card["available"]) == (0, 1000)
    late = client.post(f"/v1/pos/holds/{hold['hold_id']}/capture", headers=merchant.pos)
    assert (late.status_code, late.json["code"]) == (409, "hold_already_resolved")


def test_capture_beyond_the_held_amount_is_refused(client, merchant):
    code = issue_card(client, merchant, 1000)
    hold = created(
        client.post("/v1/pos/holds", json=hold_body(merchant, code, 300),
                    headers=merchant.pos)
    )  # fmt: skip
    url = f"/v1/pos/holds/{hold['hold_id']}/capture"
    over = client.post(url, json={"amount": 301}, headers=merchant.pos)
    assert (over.status_code, over.json["code"]) == (422, "insufficient_funds")
    whole = created(client.post(url, headers=merchant.pos), 200)
    assert whole["hold"]["captured_amount"] == 300
    assert whole["card"]["balance"] == 700


def test_business_rules_answer_their_codes(client, merchant):
    code = issue_card(client, merchant, 1000)
    cases = [
        (redemption_body(merchant, code, 1001), 422, "insufficient_funds"),
        (redemption_body(merchant, code, 10, currency="EUR"), 422,
         "currency_mismatch"),
        (redemption_body(merchant, code, 10, business_location_id="999"), 422,
         "unknown_business_location"),
    ]  # fmt: skip
    for body, status, problem in cases:
        answer = client.post("/v1/pos/redemptions", json=body, headers=merchant.pos)
        assert (answer.status_code, answer.json["code"]) == (status, problem), body
        assert answer.mimetype == "application/problem+json"
    hold = client.post(
        "/v1/pos/holds", json=hold_body(merchant, code, 1001), headers=merchant.pos
    )
    assert (hold.status_code, hold.json["code"]) == (422, "insufficient_funds")
    card = created(client.get(f"/v1/pos/cards/{code}", headers=merchant.pos), 200)
    assert (card["balance"], card["version"]) == (1000, 1)


def test_unknown_holds_and_other_merchants_holds_are_not_found(client, merchant):
    other = set_up_merchant(client, "Other", "GBP", "1111")
    code = issue_card(client, other, 1000)
    hold = created(
        client.post("/v1/pos/holds", json=hold_body(other, code, 100),
                    headers=other.pos)
    )  # fmt: skip
    for hold_id in (hold["hold_id"], "not-a-uuid", "00000000-0000-0000-0000-0000000"):
        for action in ("capture", "release"):
            answer = client.post(
                f"/v1/pos/holds/{hold_id}/{action}", headers=merchant.pos
            )
            assert (answer.status_code, answer.json["code"]) == (404, "hold_not_found")


def test_malformed_pos_requests_are_400_with_every_bad_field(client, merchant):
    code = issue_card(client, merchant, 1000)
    bad = hold_body(merchant, code, 1.5, currency="gbp", extra=1)
    del bad["account_id"]
    answer = client.post("/v1/pos/holds", json=bad, headers=merchant.pos)
    assert (answer.status_code, answer.json["code"]) == (400, "invalid_request")
    assert set(answer.json["errors"]) == {"amount", "currency", "extra", "account_id"}

    only_amount = client.post(
        "/v1/pos/redemptions", json=redemption_body(merchant, code, 0),
        headers=merchant.pos,
    )  # fmt: skip
    assert (only_amount.status_code, only_amount.json["code"]) == (
        400, "invalid_amount",
    )  # fmt: skip
    only_currency = client.post(
        "/v1/pos/redemptions", json=redemption_body(merchant, code, 1, currency="XXX"),
        headers=merchant.pos,
    )  # fmt: skip
    assert only_currency.json["code"] == "invalid_currency"
    assert only_currency.json["errors"] == {
        "currency": ["not a supported ISO 4217 code"]
    }

    for path in ("ab", "a" * 65, "has.dot", "sp%20ace"):
        answer = client.get(f"/v1/pos/cards/{path}", headers=merchant.pos)
        assert (answer.status_code, answer.json["code"]) == (400, "invalid_request")
        assert "code" in answer.json["errors"]

    not_json = client.post(
        "/v1/pos/redemptions", data="amount=1", headers=merchant.pos,
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert (not_json.status_code, not_json.json["code"]) == (400, "invalid_request")
    array = client.post("/v1/pos/redemptions", json=[1], headers=merchant.pos)
    assert array.status_code == 400
    card = created(client.get(f"/v1/pos/cards/{code}", headers=merchant.pos), 200)
    assert card["version"] == 1


def test_a_blocked_card_cannot_be_spent_at_the_pos(client, merchant, platform):
    code = issue_card(client, merchant, 1000)
    created(
        client.post(f"{merchant.path}/cards/{code}/block", json={"reason": "lost"},
                    headers=platform), 200,
    )  # fmt: skip
    for url, body in (
        ("/v1/pos/holds", hold_body(merchant, code, 10)),
        ("/v1/pos/redemptions", redemption_body(merchant, code, 10)),
    ):
        answer = client.post(url, json=body, headers=merchant.pos)
        assert (answer.status_code, answer.json["code"]) == (409, "card_not_active")
    card = created(client.get(f"/v1/pos/cards/{code}", headers=merchant.pos), 200)
    assert card["state"] == "blocked"


def test_answers_list_fields_in_the_documented_order(client, merchant):
    code = issue_card(client, merchant, 5000)
    raw = client.get(f"/v1/pos/cards/{code}", headers=merchant.pos).get_data()
    card = json.loads(raw, object_pairs_hook=list)
    # The schema's order (the OpenAPI document's), not sorted: masked_code first.
    assert [key for key, _ in card] == list(CardSchema().fields)
