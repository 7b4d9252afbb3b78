"""The receipts of issue 3, through the webhook, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from flask import Flask

from tests.lightspeed_support import (
    Webhook,
    payment,
    receipt,
    sale,
    set_up_webhook,
)

CARD, OTHER = "GC00000000000001", "GC00000000000002"


@pytest.fixture
def hook(app: Flask) -> Webhook:
    return set_up_webhook(app)


def results(answer: dict) -> list[tuple]:
    return [
        (o["kind"], o["result"], o["code"], o["amount"]) for o in answer["outcomes"]
    ]


def exceptions(hook: Webhook, status: str | None = None) -> list[dict]:
    _, user, secret = hook.ledger.issue_credential(hook.merchant_id, "admin")
    query = f"?status={status}" if status else ""
    path = f"/v1/merchants/{hook.merchant_id}/receipt-exceptions{query}"
    response = hook.client.get(
        path, headers={"Authorization": f"Bearer {user}.{secret}"}
    )
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_two_gift_cards_sold_on_one_receipt(hook):
    hook.issue(OTHER, 1000)  # an existing card is loaded, a new one issued
    body = receipt(
        11,
        lines=[sale(1, "25.00"), sale(2, "9.50", sku="19"), sale(3, "15.50")],
        payments=[payment(4, "50.00", method="CARD")],
        references=[CARD, OTHER],
    )  # fmt: skip
    answer = hook.close(body)
    assert results(answer) == [
        ("sale", "applied", None, 2500),
        ("sale", "applied", None, 1550),
    ]
    assert [o["masked_code"] for o in answer["outcomes"]] == ["****0001", "****0002"]
    assert hook.balance(CARD) == 2500
    assert hook.balance(OTHER) == 2550


def test_a_payment_with_an_unknown_card_is_an_exception_and_moves_nothing(hook):
    hook.issue(CARD, 1000)
    before = hook.balance(CARD)
    answer = hook.close(
        receipt(12, payments=[payment(1, "5.00", reference="NOPE0000")])
    )
    assert results(answer) == [("payment", "exception", "card_not_found", 500)]
    assert hook.balance(CARD) == before
    [listed] = exceptions(hook)
    assert listed["code"] == "card_not_found"
    assert listed["receipt_id"] == answer["receipt_id"]
    assert listed["account_id"] == "12" and listed["line_id"] == "1"
    assert listed["status"] == "open"
    assert "NOPE0000" not in str(listed)


def test_an_overdrawing_payment_is_an_exception_and_moves_nothing(hook):
    hook.issue(CARD, 1000)
    answer = hook.close(
        receipt(13, payments=[payment(1, "10.01", reference=CARD),
                              payment(2, "3.00", method="CASH")])
    )  # fmt: skip
    assert results(answer) == [("payment", "exception", "insufficient_funds", 1001)]
    assert hook.card(CARD) == (1000, 1000)
    assert [e["code"] for e in exceptions(hook)] == ["insufficient_funds"]


def test_an_applied_line_and_an_exception_on_one_receipt(hook):
    hook.issue(CARD, 1000)
    answer = hook.close(
        receipt(14, payments=[payment(1, "4.00", reference=CARD),
                              payment(2, "4.00", reference="UNKNOWN1")])
    )  # fmt: skip
    assert [o["result"] for o in answer["outcomes"]] == ["applied", "exception"]
    assert hook.balance(CARD) == 600


def test_a_cancelled_receipt_releases_the_accounts_holds(hook):
    hook.issue(CARD, 1000)
    hook.hold(CARD, 700, 15)
    assert hook.card(CARD) == (1000, 300)
    answer = hook.close(
        receipt(15, cancelled=True, payments=[payment(1, "7.00", reference=CARD)])
    )
    assert results(answer) == [("release", "applied", None, 700)]
    assert hook.card(CARD) == (1000, 1000)
    # Re-sent: a duplicate; nothing to release twice.
    again = hook.close(receipt(15, cancelled=True))
    assert [o["result"] for o in again["outcomes"]] == ["duplicate"]


def test_a_cancelled_receipt_without_holds_writes_nothing(hook):
    before = hook.position()
    answer = hook.close(receipt(16, cancelled=True, lines=[sale(1, "20.00")],
                                references=[CARD]))  # fmt: skip
    assert answer == {"receipt_id": None, "notification_type": "CLOSE", "outcomes": []}
    assert hook.position() == before


def test_an_unclaimed_hold_is_released_after_close(hook):
    hook.issue(CARD, 1000)
    hook.issue(OTHER, 1000)
    hook.hold(CARD, 400, 17)
    hook.hold(OTHER, 300, 17)
    answer = hook.close(receipt(17, payments=[payment(1, "4.00")]))
    assert results(answer) == [
        ("payment", "applied", None, 400),
        ("release", "applied", None, 300),
    ]
    assert hook.card(CARD) == (600, 600)
    assert hook.card(OTHER) == (1000, 1000)


def test_a_payment_with_no_card_and_no_hold_is_unmatched(hook):
    answer = hook.close(receipt(18, payments=[payment(1, "4.00")]))
    assert results(answer) == [("payment", "exception", "unmatched_payment", 400)]
    assert [e["code"] for e in exceptions(hook)] == ["unmatched_payment"]


def test_an_expired_hold_is_redeemed_from_its_card_at_close(hook, clock):
    hook.issue(CARD, 1000)
    hook.hold(CARD, 600, 19)
    clock.advance(901)  # the merchant's TTL is 900 seconds
    assert hook.card(CARD) == (1000, 1000)
    answer = hook.close(receipt(19, payments=[payment(1, "6.00")]))
    assert results(answer) == [("payment", "applied", None, 600)]
    assert hook.card(CARD) == (400, 400)
    card = hook.ledger.card(hook.merchant_id, CARD)
    [hold] = card.holds.values()
    assert (hold["status"], hold["released_reason"]) == ("released", "expired")


def test_an_expired_hold_whose_money_was_spent_is_insufficient_funds(hook, clock):
    hook.issue(CARD, 1000)
    hook.hold(CARD, 600, 20)
    clock.advance(901)
    hook.close(receipt(21, payments=[payment(1, "9.00", reference=CARD)]))
    answer = hook.close(receipt(20, payments=[payment(1, "6.00")]))
    assert results(answer) == [("payment", "exception", "insufficient_funds", 600)]
    assert hook.balance(CARD) == 100


def test_inactive_lines_count_for_nothing(hook):
    hook.issue(CARD, 1000)
    before = hook.position()
    answer = hook.close(
        receipt(22, lines=[sale(1, "20.00", active=False)], references=[OTHER],
                payments=[payment(2, "5.00", reference=CARD, active=False)])
    )  # fmt: skip
    assert answer["outcomes"] == [] and answer["receipt_id"] is None
    assert hook.position() == before


@pytest.mark.parametrize(
    "order", list(itertools.permutations(["OPEN", "UPDATE", "CLOSE"])),
    ids="-".join,
)  # fmt: skip
def test_open_update_close_in_any_order_apply_once(hook, order):
    hook.issue(CARD, 1000)
    hook.hold(CARD, 250, 23)
    body = dict(payments=[payment(1, "2.50", reference=CARD)])
    answers = {kind: hook.close(receipt(23, kind=kind, **body)) for kind in order}
    assert answers["OPEN"]["outcomes"] == [] == answers["UPDATE"]["outcomes"]
    assert results(answers["CLOSE"]) == [("payment", "applied", None, 250)]
    assert hook.card(CARD) == (750, 750)
    assert hook.close(receipt(23, **body))["outcomes"][0]["result"] == "duplicate"


def test_resolving_an_exception(hook):
    hook.close(receipt(24, payments=[payment(1, "4.00", reference="MISSING1")]))
    [entry] = exceptions(hook, "open")
    _, user, secret = hook.ledger.issue_credential(hook.merchant_id, "admin")
    auth = {"Authorization": f"Bearer {user}.{secret}"}
    path = f"/v1/merchants/{hook.merchant_id}/receipt-exceptions"
    done = hook.client.post(
        f"{path}/{entry['exception_id']}/resolve", json={"note": "guest paid cash"},
        headers=auth,
    )  # fmt: skip
    assert done.status_code == 200, done.json
    assert done.json["status"] == "resolved"
    assert done.json["resolution_note"] == "guest paid cash"
    assert exceptions(hook, "open") == []
    assert [e["exception_id"] for e in exceptions(hook, "resolved")] == [
        entry["exception_id"]
    ]
    missing = hook.client.post(f"{path}/nope/resolve", json={"note": "x"}, headers=auth)
    assert missing.status_code == 404
    bad = hook.client.get(f"{path}?status=weird", headers=auth)
    assert bad.status_code == 400 and "status" in bad.json["errors"]
