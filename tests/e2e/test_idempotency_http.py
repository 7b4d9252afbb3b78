"""Idempotency-Key over HTTP: a replay answers the first answer; a reuse is 409."""

from __future__ import annotations

from tests.e2e.support import created, hold_body, issue_card, redemption_body


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def card_of(client, merchant, code):
    return created(client.get(f"/v1/pos/cards/{code}", headers=merchant.pos), 200)


def test_a_repeated_redemption_answers_the_same_and_moves_nothing(client, merchant):
    code = issue_card(client, merchant, 1000)
    body = redemption_body(merchant, code, 300)
    first = client.post("/v1/pos/redemptions", json=body,
                        headers=keyed(merchant.pos, "r-1"))  # fmt: skip
    second = client.post("/v1/pos/redemptions", json=body,
                         headers=keyed(merchant.pos, "r-1"))  # fmt: skip
    assert first.status_code == second.status_code == 201
    assert first.data == second.data
    assert "Idempotency-Replayed" not in first.headers
    assert second.headers["Idempotency-Replayed"] == "true"
    assert card_of(client, merchant, code)["balance"] == 700

    reused = client.post("/v1/pos/redemptions", json={**body, "amount": 301},
                         headers=keyed(merchant.pos, "r-1"))  # fmt: skip
    assert (reused.status_code, reused.json["code"]) == (409, "idempotency_key_reused")
    other_kind = client.post("/v1/pos/holds", json=hold_body(merchant, code, 300),
                             headers=keyed(merchant.pos, "r-1"))  # fmt: skip
    assert other_kind.json["code"] == "idempotency_key_reused"
    card = card_of(client, merchant, code)
    assert (card["balance"], card["held"], card["version"]) == (700, 0, 2)


def test_a_replayed_hold_is_the_first_answer_even_after_it_expired(
    client, merchant, clock
):
    code = issue_card(client, merchant, 1000)
    body = hold_body(merchant, code, 800)
    first = client.post("/v1/pos/holds", json=body, headers=keyed(merchant.pos, "h"))
    clock.advance(1000)
    again = client.post("/v1/pos/holds", json=body, headers=keyed(merchant.pos, "h"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json == again.json
    assert again.json["status"] == "open" and again.json["card"]["held"] == 800
    card = card_of(client, merchant, code)
    assert (card["held"], card["available"]) == (0, 1000)


def test_captures_releases_and_refunds_replay(client, merchant):
    code = issue_card(client, merchant, 1000)
    hold = created(client.post("/v1/pos/holds", json=hold_body(merchant, code, 600),
                               headers=merchant.pos))  # fmt: skip
    url = f"/v1/pos/holds/{hold['hold_id']}/capture"
    first = client.post(url, json={"amount": 400}, headers=keyed(merchant.pos, "c"))
    again = client.post(url, json={"amount": 400}, headers=keyed(merchant.pos, "c"))
    assert first.status_code == again.status_code == 200
    assert first.json == again.json and again.json["hold"]["captured_amount"] == 400
    reused = client.post(url, json={"amount": 300}, headers=keyed(merchant.pos, "c"))
    assert reused.json["code"] == "idempotency_key_reused"
    unkeyed = client.post(url, json={"amount": 400}, headers=merchant.pos)
    assert unkeyed.json["code"] == "hold_already_resolved"

    refund_url = f"/v1/pos/redemptions/{hold['hold_id']}/refunds"
    one = client.post(
        refund_url, json={"amount": 100}, headers=keyed(merchant.pos, "f")
    )
    two = client.post(
        refund_url, json={"amount": 100}, headers=keyed(merchant.pos, "f")
    )
    assert one.status_code == two.status_code == 201 and one.json == two.json
    assert card_of(client, merchant, code)["balance"] == 700

    other = created(client.post("/v1/pos/holds", json=hold_body(merchant, code, 50),
                                headers=merchant.pos))  # fmt: skip
    release = f"/v1/pos/holds/{other['hold_id']}/release"
    one = client.post(release, headers=keyed(merchant.pos, "rel"))
    two = client.post(release, headers=keyed(merchant.pos, "rel"))
    assert one.status_code == two.status_code == 200 and one.json == two.json


def test_admin_commands_replay(client, merchant, platform):
    body = {"amount": 500, "currency": "GBP", "code": "KEYED-0001"}
    url = f"{merchant.path}/cards"
    one = client.post(url, json=body, headers=keyed(platform, "issue"))
    two = client.post(url, json=body, headers=keyed(platform, "issue"))
    assert one.status_code == two.status_code == 201 and one.json == two.json
    reused = client.post(url, json={**body, "amount": 501},
                         headers=keyed(platform, "issue"))  # fmt: skip
    assert reused.json["code"] == "idempotency_key_reused"

    adjust = f"{url}/KEYED-0001/adjustments"
    change = {"amount": -200, "reason": "support_issue"}
    one = client.post(adjust, json=change, headers=keyed(platform, "adj"))
    two = client.post(adjust, json=change, headers=keyed(merchant.admin, "adj"))
    assert one.status_code == two.status_code == 201 and one.json == two.json
    assert two.json["activity"]["actor"] == "platform-admin"

    block = f"{url}/KEYED-0001/block"
    one = client.post(block, json={"reason": "lost"}, headers=keyed(platform, "b"))
    two = client.post(block, json={"reason": "lost"}, headers=keyed(platform, "b"))
    assert one.status_code == two.status_code == 200 and one.json == two.json
    card = created(client.get(f"{url}/KEYED-0001", headers=platform), 200)
    assert (card["balance"], card["state"], card["version"]) == (300, "blocked", 3)


def test_a_malformed_key_is_a_malformed_request(client, merchant):
    code = issue_card(client, merchant, 1000)
    body = redemption_body(merchant, code, 1)
    for key in ("has space", "x" * 129, "tab\there"):
        answer = client.post("/v1/pos/redemptions", json=body,
                             headers=keyed(merchant.pos, key))  # fmt: skip
        assert (answer.status_code, answer.json["code"]) == (400, "invalid_request")
        assert "Idempotency-Key" in answer.json["errors"]
    assert card_of(client, merchant, code)["version"] == 1
