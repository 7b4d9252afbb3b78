"""Refund and void receipts: a new account naming the original (both backends)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.lightspeed_support import (
    SOLD_CODE,
    Webhook,
    payment,
    receipt,
    sale,
    sample_bytes,
    set_up_webhook,
)

CARD = "GC00000000000001"


@pytest.fixture
def hook(app: Flask) -> Webhook:
    return set_up_webhook(app)


def outcome(answer: dict) -> tuple:
    [only] = answer["outcomes"]
    return only["kind"], only["result"], only["code"], only["amount"]


def refund(account: int, origin: int, amount: str, code: str | None = CARD) -> dict:
    return receipt(
        account, origin_account_id=origin,
        lines=[sale(1, "-" + amount, sku="19")],
        payments=[payment(2, "-" + amount, reference=code)],
    )  # fmt: skip


def test_a_refund_receipt_returns_a_gift_card_payment(hook):
    hook.issue(CARD, 5000)
    hook.close(receipt(100, payments=[payment(1, "20.00", reference=CARD)]))
    assert hook.balance(CARD) == 3000
    answer = hook.close(refund(101, 100, "20.00"))
    assert outcome(answer) == ("refund", "applied", None, 2000)
    assert hook.balance(CARD) == 5000
    # Re-sent: a duplicate. A second refund of the same payment: nothing left.
    assert hook.close(refund(101, 100, "20.00"))["outcomes"][0]["result"] == "duplicate"
    again = hook.close(refund(102, 100, "20.00"))
    assert outcome(again) == ("refund", "exception", "refund_exceeds_redemption", 2000)
    assert hook.balance(CARD) == 5000


def test_partial_refunds_add_up_to_the_payment_at_most(hook):
    hook.issue(CARD, 5000)
    hook.close(receipt(110, payments=[payment(1, "20.00", reference=CARD)]))
    assert outcome(hook.close(refund(111, 110, "5.00")))[1] == "applied"
    assert outcome(hook.close(refund(112, 110, "15.00", code=None)))[1] == "applied"
    late = hook.close(refund(113, 110, "0.01"))
    assert outcome(late)[2] == "refund_exceeds_redemption"
    assert hook.balance(CARD) == 5000


def test_a_refund_of_a_payment_captured_from_a_hold(hook):
    hook.issue(CARD, 5000)
    hook.hold(CARD, 1200, 120)
    hook.close(receipt(120, payments=[payment(1, "12.00")]))
    assert hook.balance(CARD) == 3800
    assert outcome(hook.close(refund(121, 120, "12.00", code=None)))[1] == "applied"
    assert hook.balance(CARD) == 5000


def test_a_refund_with_no_known_original_is_an_exception(hook):
    hook.issue(CARD, 5000)
    answer = hook.close(refund(131, 130, "5.00"))
    assert outcome(answer) == ("refund", "exception", "redemption_not_found", 500)
    no_origin = hook.close(receipt(132, payments=[payment(1, "-5.00", reference=CARD)]))
    assert outcome(no_origin)[2] == "redemption_not_found"
    assert hook.balance(CARD) == 5000


def reversal(account: int, origin: int, references=(SOLD_CODE,)) -> dict:
    return receipt(
        account, origin_account_id=origin, lines=[sale(1, "-50.00")],
        payments=[payment(2, "-50.00", method="CARD")], references=list(references),
    )  # fmt: skip


def test_a_reversal_of_a_gift_card_sale_takes_the_load_back(hook):
    hook.close(sample_bytes("rtn-giftcard-sale-close.json"))
    assert hook.balance(SOLD_CODE) == 5000
    answer = hook.close(reversal(500000000009, 500000000001))
    assert outcome(answer) == ("reversal", "applied", None, 5000)
    assert answer["outcomes"][0]["masked_code"] == "****0001"
    assert hook.balance(SOLD_CODE) == 0
    # Without the reference the original's sale is found by amount.
    assert outcome(hook.close(reversal(500000000010, 500000000001, ())))[2] == (
        "refund_exceeds_redemption"
    )


def test_a_reversal_of_a_spent_card_is_insufficient_funds(hook):
    hook.close(sample_bytes("rtn-giftcard-sale-close.json"))
    hook.close(sample_bytes("rtn-giftcard-payment-close.json"))
    answer = hook.close(reversal(500000000009, 500000000001))
    assert outcome(answer) == ("reversal", "exception", "insufficient_funds", 5000)
    assert hook.balance(SOLD_CODE) == 3000


def test_a_reversal_of_a_load_on_an_existing_card(hook):
    hook.issue(CARD, 1000)
    hook.close(receipt(140, lines=[sale(1, "25.00")], references=[CARD]))
    assert hook.balance(CARD) == 3500
    answer = hook.close(receipt(141, origin_account_id=140, lines=[sale(1, "-25.00")]))
    assert outcome(answer) == ("reversal", "applied", None, 2500)
    assert hook.balance(CARD) == 1000
