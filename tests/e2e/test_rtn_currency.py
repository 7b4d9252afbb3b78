"""An RTN gift-card payment in a currency other than the card's moves no money.

The POS already took the payment, so the webhook never refuses the receipt: the
line becomes a `currency_mismatch` receipt exception for a person, the card keeps
every minor unit (balance, available, holds) and no card event is written. On
SQLite and PostgreSQL, through the real app.
"""

from __future__ import annotations

import pytest
from flask import Flask

from domain.origin import Origin
from tests.lightspeed_support import (
    LOCATION,
    Webhook,
    payment,
    receipt,
    set_up_webhook,
)

CARD = "GC00000000000001"


@pytest.fixture
def hook(app: Flask) -> Webhook:
    return set_up_webhook(app)


def version(hook: Webhook) -> int:
    card, _ = hook.ledger.get_card(hook.merchant_id, CARD)
    return card.version


def open_exceptions(hook: Webhook) -> list[dict]:
    _, user, secret = hook.ledger.issue_credential(hook.merchant_id, "admin")
    response = hook.client.get(
        f"/v1/merchants/{hook.merchant_id}/receipt-exceptions?status=open",
        headers={"Authorization": f"Bearer {user}.{secret}"},
    )
    assert response.status_code == 200, response.json
    return response.json["items"]


@pytest.mark.parametrize(
    ("account_currency", "line_currency", "amount", "minor"),
    [
        ("EUR", "EUR", "5.00", 500),  # the whole receipt in euros
        ("GBP", "EUR", "5.00", 500),  # one payment line in euros
        ("GBP", "JPY", "500", 500),  # same minor units, other currency
        ("USD", "USD", "10.00", 1000),  # as much as the card holds, in dollars
    ],
)
def test_a_payment_in_another_currency_is_an_exception_and_moves_nothing(
    hook, account_currency, line_currency, amount, minor
):
    hook.issue(CARD, 1000)
    before = (hook.card(CARD), version(hook))
    answer = hook.close(
        receipt(31, currency=account_currency,
                payments=[payment(1, amount, reference=CARD, currency=line_currency)])
    )  # fmt: skip
    [outcome] = answer["outcomes"]
    assert (outcome["kind"], outcome["result"], outcome["code"]) == (
        "payment", "exception", "currency_mismatch",
    )  # fmt: skip
    assert outcome["amount"] == minor and outcome["masked_code"] == "****0001"
    assert (hook.card(CARD), version(hook)) == before, "not a minor unit moved"
    [listed] = open_exceptions(hook)
    assert listed["code"] == "currency_mismatch"
    assert listed["currency"] == line_currency and listed["amount"] == minor
    assert listed["receipt_id"] == answer["receipt_id"] and listed["line_id"] == "1"
    # A retry of the same receipt is a duplicate: still no money, no second exception.
    again = hook.close(
        receipt(31, currency=account_currency,
                payments=[payment(1, amount, reference=CARD, currency=line_currency)])
    )  # fmt: skip
    assert [o["code"] for o in again["outcomes"]] == ["currency_mismatch"]
    assert (hook.card(CARD), version(hook)) == before
    assert len(open_exceptions(hook)) == 1


@pytest.mark.parametrize("named", [True, False], ids=["card-named", "hold-only"])
def test_a_payment_in_another_currency_never_captures_the_accounts_hold(hook, named):
    hook.issue(CARD, 1000)
    hook.hold(CARD, 700, 32)  # the POS held 7.00 GBP for account 32
    line = payment(1, "7.00", reference=CARD if named else None, currency="EUR")
    answer = hook.close(receipt(32, payments=[line]))
    got = [(o["kind"], o["result"], o["code"]) for o in answer["outcomes"]]
    # The payment is the card's currency problem; the hold it did not take is
    # released with the account's other unclaimed holds (the receipt is closed).
    assert got == [
        ("release", "applied", None),
        ("payment", "exception", "currency_mismatch"),
    ]
    assert hook.card(CARD) == (1000, 1000), "nothing taken, nothing kept held"
    [listed] = open_exceptions(hook)
    assert listed["code"] == "currency_mismatch" and listed["masked_code"] == "****0001"


def test_money_the_pos_took_in_pounds_is_not_a_euro_payment_of_the_receipt(hook):
    hook.issue(CARD, 1000)
    hook.ledger.redeem(hook.merchant_id, CARD, 500, "GBP", LOCATION, "33",
                       Origin(source="pos", actor="till"))  # fmt: skip
    before = (hook.card(CARD), version(hook))
    answer = hook.close(
        receipt(33, payments=[payment(1, "5.00", reference=CARD, currency="EUR")])
    )
    [outcome] = answer["outcomes"]
    # Not a `duplicate` of the 5.00 GBP the POS took: another currency, another sum.
    assert (outcome["result"], outcome["code"]) == ("exception", "currency_mismatch")
    assert (hook.card(CARD), version(hook)) == before
