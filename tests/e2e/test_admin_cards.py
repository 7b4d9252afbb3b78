"""The admin card API end to end: issue, look up, adjust, block, unblock, void."""

from __future__ import annotations

import re

from tests.e2e.support import created, issue_card, redemption_body, set_up_merchant


def test_a_generated_code_is_shown_once_and_finds_the_card(client, merchant, platform):
    answer = created(
        client.post(f"{merchant.path}/cards",
                    json={"amount": 2500, "currency": "GBP"}, headers=platform)
    )  # fmt: skip
    code = answer["code"]
    assert re.fullmatch(r"\d{16}", code)
    assert answer["masked_code"] == "****" + code[-4:]
    assert (answer["balance"], answer["version"], answer["state"]) == (
        2500,
        1,
        "active",
    )
    looked_up = created(
        client.get(f"{merchant.path}/cards/{code}", headers=platform), 200
    )
    assert "code" not in looked_up
    assert looked_up["balance"] == 2500


def test_a_given_code_is_not_echoed_and_cannot_be_issued_twice(
    client, merchant, platform
):
    body = {"amount": 100, "currency": "GBP", "code": "CARD-0001"}
    answer = created(client.post(f"{merchant.path}/cards", json=body, headers=platform))
    assert "code" not in answer and answer["masked_code"] == "****0001"
    again = client.post(f"{merchant.path}/cards", json=body, headers=platform)
    assert (again.status_code, again.json["code"]) == (409, "card_code_taken")


def test_issue_validates_expiry_site_and_keys(client, merchant, platform, clock):
    url = f"{merchant.path}/cards"
    past = {"amount": 100, "currency": "GBP", "expires_at": "2026-11-01T11:00:00Z"}
    answer = client.post(url, json=past, headers=platform)
    assert answer.status_code == 400 and "expires_at" in answer.json["errors"]
    naive = {"amount": 100, "currency": "GBP", "expires_at": "2027-01-01T00:00:00"}
    assert client.post(url, json=naive, headers=platform).status_code == 400
    site = {"amount": 100, "currency": "GBP", "site_id": "nope"}
    answer = client.post(url, json=site, headers=platform)
    assert answer.status_code == 400 and "site_id" in answer.json["errors"]
    keyed = client.post(
        url, json={"amount": 100, "currency": "GBP"},
        headers={**platform, "Idempotency-Key": "k"},
    )  # fmt: skip
    assert keyed.status_code == 400 and "code" in keyed.json["errors"]

    good = {
        "amount": 100, "currency": "GBP", "code": "EXPIRES-1",
        "expires_at": "2026-12-01T00:00:00+00:00", "site_id": merchant.site_id,
    }  # fmt: skip
    card = created(client.post(url, json=good, headers=platform))
    assert card["expires_at"] == "2026-12-01T00:00:00+00:00"
    clock.advance(31 * 86400)
    expired = created(client.get(f"{url}/EXPIRES-1", headers=platform), 200)
    assert expired["state"] == "expired"
    spend = client.post(
        "/v1/pos/redemptions", json=redemption_body(merchant, "EXPIRES-1", 1),
        headers=merchant.pos,
    )  # fmt: skip
    assert (spend.status_code, spend.json["code"]) == (409, "card_not_active")


def test_the_card_look_up_is_always_current(client, merchant, platform):
    code = issue_card(client, merchant, 1000)
    client.post("/v1/pos/redemptions", json=redemption_body(merchant, code, 300),
                headers=merchant.pos)  # fmt: skip
    card = created(client.get(f"{merchant.path}/cards/{code}", headers=platform), 200)
    assert (card["balance"], card["version"]) == (700, 2)


def test_adjustments_move_the_balance_with_a_reason(client, merchant, platform):
    code = issue_card(client, merchant, 1000)
    url = f"{merchant.path}/cards/{code}/adjustments"
    up = created(
        client.post(url, json={"amount": 250, "reason": "complimentary"},
                    headers=merchant.admin)
    )  # fmt: skip
    assert up["activity"]["type"] == "adjusted"
    assert up["activity"]["amount"] == 250
    assert up["activity"]["balance_after"] == 1250
    assert up["activity"]["reason"] == "complimentary"
    assert up["card"]["balance"] == 1250
    down = created(
        client.post(url, json={"amount": -1250, "reason": "other", "note": "typo"},
                    headers=platform)
    )  # fmt: skip
    assert down["card"]["balance"] == 0 and down["activity"]["note"] == "typo"
    activity = down["activity"]
    assert (activity["amount"], activity["balance_change"]) == (1250, -1250)
    assert (activity["source"], activity["actor"]) == ("admin", "platform-admin")
    assert (
        activity["reference"] and activity["reference"] != up["activity"]["reference"]
    )
    assert activity["version"] == down["card"]["version"] == 3

    too_much = client.post(url, json={"amount": -1, "reason": "support_issue"},
                           headers=platform)  # fmt: skip
    assert (too_much.status_code, too_much.json["code"]) == (422, "insufficient_funds")
    cases = [
        ({"amount": 0, "reason": "complimentary"}, "invalid_amount", {"amount"}),
        ({"amount": 5, "reason": "other"}, "invalid_request", {"note"}),
        ({"amount": 5, "reason": "other", "note": "  "}, "invalid_request", {"note"}),
        ({"amount": 5, "reason": "because"}, "invalid_request", {"reason"}),
        ({"amount": True, "reason": "x"}, "invalid_request", {"amount", "reason"}),
        ({"amount": 2**63, "reason": "complimentary"}, "invalid_amount", {"amount"}),
    ]
    for body, problem, fields in cases:
        answer = client.post(url, json=body, headers=platform)
        assert (answer.status_code, answer.json["code"]) == (400, problem), body
        assert set(answer.json["errors"]) == fields, body


def test_block_unblock_and_void_follow_the_state_rules(client, merchant, platform):
    code = issue_card(client, merchant, 1000)
    url = f"{merchant.path}/cards/{code}"
    created(client.post("/v1/pos/holds", headers=merchant.pos, json={
        "card_code": code, "amount": 400, "currency": "GBP",
        "business_location_id": merchant.location_id, "account_id": "82",
    }))  # fmt: skip

    def act(action: str) -> tuple[int, dict]:
        answer = client.post(f"{url}/{action}", json={"reason": "test"},
                             headers=platform)  # fmt: skip
        return answer.status_code, answer.json

    status, card = act("block")
    assert (status, card["state"]) == (200, "blocked")
    assert act("block")[1]["code"] == "card_not_active"
    assert act("void")[1]["code"] == "card_not_active"
    status, card = act("unblock")
    assert (status, card["state"]) == (200, "active")
    assert act("unblock")[1]["code"] == "card_not_active"
    status, card = act("void")
    assert (status, card["state"], card["balance"], card["held"]) == (
        200, "voided", 0, 0,
    )  # fmt: skip
    for action in ("block", "unblock", "void"):
        status, problem = act(action)
        assert (status, problem["code"]) == (409, "card_not_active")
    missing_reason = client.post(f"{url}/block", json={}, headers=platform)
    assert missing_reason.status_code == 400
    assert set(missing_reason.json["errors"]) == {"reason"}


def test_unknown_merchants_and_cards_are_not_found(client, merchant, platform):
    nobody = "/v1/merchants/00000000-0000-0000-0000-000000000000"
    for path in (nobody, "/v1/merchants/not-a-uuid"):
        answer = client.get(f"{path}/cards/ABCD1234", headers=platform)
        assert (answer.status_code, answer.json["code"]) == (404, "merchant_not_found")
    answer = client.get(f"{merchant.path}/cards/ABCD1234", headers=platform)
    assert (answer.status_code, answer.json["code"]) == (404, "card_not_found")
    other = set_up_merchant(client, "Other", "GBP", "2222")
    code = issue_card(client, other, 100)
    for method, suffix, body in (
        ("get", "", None),
        ("post", "/adjustments", {"amount": 1, "reason": "complimentary"}),
        ("post", "/block", {"reason": "x"}),
        ("post", "/unblock", {"reason": "x"}),
        ("post", "/void", {"reason": "x"}),
    ):
        answer = getattr(client, method)(
            f"{merchant.path}/cards/{code}{suffix}", json=body, headers=platform
        )
        assert (answer.status_code, answer.json["code"]) == (404, "card_not_found")
