"""Hypothesis over generated RTN receipts, through the webhook, on both backends.

For receipts of the RTN shape (random sale and payment lines, amounts with the
currency's precision, active flags, cancellations, refunds naming earlier
accounts, holds placed beforehand): the webhook never answers 5xx, the money
moved equals the sum of the applied outcomes, and a gift-card payment naming a
card that does not exist is always a `card_not_found` outcome.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.errors import CardNotFound, LedgerError
from domain.origin import Origin
from domain.receipt_plan import MONEY_SIGN
from service.app import create_app
from service.config import Config
from tests.lightspeed_support import (
    Webhook,
    payment,
    receipt,
    sale,
    set_up_webhook,
)

KNOWN = [f"KNOWN{n:011d}" for n in range(3)]
UNKNOWN = [f"NOPE{n:012d}" for n in range(3)]
ACCOUNTS = itertools.count(10_000)
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

amounts = st.integers(-3000, 6000).map(lambda n: Decimal(n).scaleb(-2))
actives = st.sampled_from([True] * 3 + [False])
sale_lines = st.tuples(st.sampled_from(["GC-ANY", "GC-ANY", "19", None]), amounts,
                       actives)  # fmt: skip
payment_lines = st.tuples(
    st.sampled_from(["GIFTCARD", "GIFTCARD", "CASH", None]),
    amounts,
    st.sampled_from([None, *KNOWN, *UNKNOWN]),
    actives,
)
receipts = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["CLOSE"] * 6 + ["OPEN", "UPDATE"]),
        "cancelled": st.sampled_from([False] * 5 + [True]),
        "sales": st.lists(sale_lines, max_size=3),
        "payments": st.lists(payment_lines, max_size=4),
        "fresh_refs": st.integers(0, 3),
        "known_refs": st.lists(st.sampled_from(KNOWN), max_size=2),
        "origin": st.booleans(),
        # Holds placed for the account before the CLOSE; some captured by the POS.
        "holds": st.lists(
            st.tuples(
                st.sampled_from(KNOWN),
                st.integers(1, 1500),
                st.booleans(),
                st.sampled_from([None, "named", "unnamed"]),
            ),
            max_size=2,
        ),
    }
)


@pytest.fixture
def hook(config: Config) -> Iterator[Webhook]:
    # One store per test and backend; each example posts new accounts into it.
    app = create_app(replace(config, not_found_limit=1_000_000))
    webhook = set_up_webhook(app)
    for code in KNOWN:
        webhook.issue(code, 20_000)
    yield webhook
    app.extensions["giftledger.ledger"].close()


def total(hook: Webhook, codes: set[str]) -> int:
    money = 0
    for code in codes:
        with contextlib.suppress(CardNotFound):
            money += hook.balance(code)
    return money


def random_receipt(hook: Webhook, spec: dict, account: int, origin: int | None):
    """A receipt drawn from `receipts`, its holds placed; and its card references."""
    refs = [f"FRESH{next(ACCOUNTS):011d}" for _ in range(spec["fresh_refs"])]
    refs += spec["known_refs"]
    paying = []  # the receipt's payment lines for the holds, as a POS page adds them
    for code, amount, captured, paid in spec["holds"]:
        with contextlib.suppress(LedgerError):  # not enough left: no hold
            hold_id = hook.hold(code, amount, account)
            if captured:
                pos = Origin(source="pos", actor="till")
                hook.ledger.capture_hold(hook.merchant_id, hold_id, None, pos)
        if paid:
            named = code if paid == "named" else None
            line = payment(
                200 + len(paying), Decimal(amount).scaleb(-2), reference=named
            )
            paying.append(line)
    body = receipt(
        account, kind=spec["kind"], cancelled=spec["cancelled"], references=refs,
        origin_account_id=origin if spec["origin"] else None,
        lines=[sale(n, a, sku=s, active=act)
               for n, (s, a, act) in enumerate(spec["sales"], 1)],
        payments=[payment(100 + n, a, method=m, reference=r, active=act)
                  for n, (m, a, r, act) in enumerate(spec["payments"], 1)] + paying,
    )  # fmt: skip
    return body, refs


def mirror(answer: dict, account: int, origin: int, share: Decimal) -> dict:
    """A refund receipt giving back `share` of the previous receipt's lines."""
    lines, payments = [], []
    for n, o in enumerate(answer["outcomes"], 1):
        back = -(Decimal(o["amount"]) * share).quantize(Decimal(1)).scaleb(-2)
        if o["kind"] == "sale" and back:
            lines.append(sale(n, back))
        elif o["kind"] == "payment" and back:
            payments.append(payment(100 + n, back))
    return receipt(account, origin_account_id=origin, lines=lines, payments=payments)


@given(data=st.data())
@EXAMPLES
def test_generated_receipts_never_fail_and_move_exactly_the_applied_money(hook, data):
    previous: tuple[int, dict] | None = None
    codes = set(KNOWN) | set(UNKNOWN)  # every code this example names, so far
    for _ in range(3):  # a few receipts per example, so refunds find originals
        spec = data.draw(receipts)
        account = next(ACCOUNTS)  # a new account each time: no duplicates here
        refs: list[str] = []
        if previous and data.draw(st.booleans()):
            share = data.draw(st.sampled_from([Decimal(1), Decimal("0.5"), Decimal(2)]))
            body = mirror(previous[1], account, previous[0], share)
            spec = {**spec, "kind": "CLOSE", "cancelled": False, "payments": []}
        else:
            origin = previous[0] if previous else None
            body, refs = random_receipt(hook, spec, account, origin)
        codes |= set(refs)
        before = total(hook, codes)
        response = hook.post(body)
        assert response.status_code == 200, (response.status_code, response.json)
        answer = response.json
        moved = sum(
            MONEY_SIGN[o["kind"]] * o["amount"]
            for o in answer["outcomes"]
            if o["result"] == "applied"
        )
        assert total(hook, codes) - before == moved
        for o in answer["outcomes"]:
            # `duplicate` only for money the POS already took (new accounts only).
            assert o["result"] in ("applied", "exception", "duplicate")
            assert o["result"] != "duplicate" or o["detail"].startswith("the POS")
        if spec["kind"] != "CLOSE" and not spec["cancelled"]:
            assert answer["outcomes"] == []
        for o in answer["outcomes"]:
            event(f"{o['kind']} {o['result']} {o['code'] or ''}")
        by_line = {o["line_id"]: o for o in answer["outcomes"]}
        for n, (method, amount, reference, active) in enumerate(spec["payments"], 1):
            named_unknown = reference in UNKNOWN and reference not in refs
            paying = method == "GIFTCARD" and active and amount > 0
            if paying and named_unknown and spec["kind"] == "CLOSE":
                outcome = by_line.get(str(100 + n))
                if spec["cancelled"]:
                    assert outcome is None  # a cancelled receipt pays nothing
                else:
                    assert outcome is not None
                    assert (outcome["result"], outcome["code"]) == (
                        "exception", "card_not_found",
                    )  # fmt: skip
        previous = (account, answer)


@given(
    amount=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(100), places=3),
    currency=st.sampled_from(["GBP", "JPY", "KWD"]),
)
@EXAMPLES
def test_an_amount_with_more_precision_than_the_currency_is_400_and_moves_nothing(
    hook, amount, currency
):
    body = receipt(
        next(ACCOUNTS), currency=currency,
        payments=[payment(1, amount, reference=KNOWN[0], currency=currency)],
    )  # fmt: skip
    before = hook.position()
    response = hook.post(body)
    assert response.status_code in (200, 400)
    places = {"GBP": 2, "JPY": 0, "KWD": 3}[currency]
    fits = amount == amount.quantize(Decimal(1).scaleb(-places))
    if not fits:
        assert response.json["code"] == "invalid_amount"
        assert hook.position() == before
    else:
        [outcome] = response.json["outcomes"]
        # A GBP card cannot pay a JPY or KWD line.
        want = None if currency == "GBP" else "currency_mismatch"
        assert outcome["code"] == want or outcome["code"] == "insufficient_funds"
