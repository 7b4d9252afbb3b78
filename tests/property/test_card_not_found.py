"""A card that does not exist, or is another merchant's, is CardNotFound for every
card command, whatever its amount, currency, location or the state of other cards."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import CardNotFound, HoldNotFound, RedemptionNotFound
from domain.giftcard import ADJUSTMENT_REASONS
from domain.ledger import Ledger
from domain.money import CURRENCY_EXPONENTS, MAX_MINOR_UNITS
from domain.origin import Origin

OURS, THEIRS = "4057", "9001"
amounts = st.integers(1, MAX_MINOR_UNITS)
currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
texts = st.text(min_size=1, max_size=20)
locations = st.sampled_from([OURS, THEIRS]) | texts
keys = st.none() | st.sampled_from(["k1", "k2"])
CARD_COMMANDS = [
    "get", "load", "hold", "redeem", "adjust", "reverse_load",
    "block", "unblock", "void", "expire",
]  # fmt: skip


def run(ledger: Ledger, name: str, mid: Any, code: str, args: dict[str, Any]) -> Any:
    """One card command by name with drawn arguments."""
    how = Origin(source="pos", actor="prop", idempotency_key=args["key"])
    amount, currency = args["amount"], args["currency"]
    if name == "get":
        return ledger.get_card(mid, code)
    if name == "load":
        return ledger.load_card(mid, code, amount, currency, how)
    if name == "hold":
        return ledger.place_hold(
            mid, code, amount, currency, args["location"], args["account"], how
        )
    if name == "redeem":
        return ledger.redeem(
            mid, code, amount, currency, args["location"], args["account"], how
        )
    if name == "adjust":
        signed = amount if args["credit"] else -amount
        return ledger.adjust(mid, code, signed, args["reason"], "note", how)
    if name == "reverse_load":
        return ledger.reverse_load(mid, code, args["load_id"], amount, how)
    return ledger.change_state(mid, code, name, "why", how)


@pytest.fixture
def world(ledger: Ledger) -> dict[str, Any]:
    """Merchant A (asking) and B, whose cards are active, blocked, voided, held."""
    a = ledger.register_merchant("A", "GBP")
    b = ledger.register_merchant("B", "GBP")
    ledger.add_site(a.id, "A main", OURS)
    ledger.add_site(b.id, "B main", THEIRS)
    pos = Origin(source="pos")
    codes = [uuid4().hex for _ in range(4)]
    for code in codes:
        ledger.issue_card(b.id, code, 5000, "GBP", None, pos)
    hold = ledger.place_hold(b.id, codes[0], 100, "GBP", THEIRS, "X", pos)
    redemption = ledger.redeem(b.id, codes[0], 100, "GBP", THEIRS, None, pos)
    ledger.change_state(b.id, codes[1], "block", "lost", pos)
    ledger.change_state(b.id, codes[2], "void", "fraud", pos)
    # A card of A's own, so A is not simply empty.
    ledger.issue_card(a.id, "A-CARD-0001", 5000, "GBP", None, pos)
    return {"a": a.id, "b": b.id, "b_codes": codes, "hold": hold.ref,
            "redemption": redemption.ref}  # fmt: skip


def test_every_card_command_answers_card_not_found(ledger: Ledger, world, database_url):
    before = ledger.recorder.max_notification_id()

    # The same search on both stores: ordering bugs show on one store only.
    @settings(max_examples=150, deadline=None, database=None)
    @given(
        name=st.sampled_from(CARD_COMMANDS),
        code=st.sampled_from(world["b_codes"]) | texts,
        args=st.fixed_dictionaries(
            {
                "amount": amounts, "currency": currencies, "location": locations,
                "account": st.none() | texts, "key": keys, "credit": st.booleans(),
                "reason": st.sampled_from(sorted(ADJUSTMENT_REASONS - {"other"})),
                "load_id": st.just("issue") | texts,
            }
        ),
    )  # fmt: skip
    def check(name: str, code: str, args: dict[str, Any]) -> None:
        if code == "A-CARD-0001":
            return
        with pytest.raises(CardNotFound) as refused:
            run(ledger, name, world["a"], code, args)
        assert refused.value.code == "card_not_found"
        # One message whatever the cause: it must not reveal the card exists.
        assert str(refused.value) == str(CardNotFound())

    check()
    assert ledger.recorder.max_notification_id() == before


def test_another_merchants_holds_and_redemptions_are_not_found(ledger: Ledger, world):
    before = ledger.recorder.max_notification_id()
    how = Origin(source="pos")
    for hold_id in (world["hold"], str(uuid4()), "not-a-uuid", world["redemption"]):
        with pytest.raises(HoldNotFound):
            ledger.capture_hold(world["a"], hold_id, None, how)
        with pytest.raises(HoldNotFound):
            ledger.release_hold(world["a"], hold_id, how)
    for ref in (world["redemption"], world["hold"], str(uuid4()), "nope"):
        with pytest.raises(RedemptionNotFound):
            ledger.refund(world["a"], ref, 1, how)
    assert ledger.recorder.max_notification_id() == before
    # The owner can still use them.
    assert ledger.refund(world["b"], world["redemption"], 100, how).card.balance
