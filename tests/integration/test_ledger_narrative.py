"""One narrative of the ledger Application, run against SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from domain.errors import (
    CardNotFound,
    HoldAlreadyResolved,
    IdempotencyKeyReused,
    InsufficientFunds,
)
from domain.ledger import Ledger
from domain.origin import Origin

CODE = "7741229000510001"
LOCATION = "40570261078018"


def pos(key: str | None = None) -> Origin:
    return Origin(source="pos", actor="till-1", idempotency_key=key)


def test_a_card_is_sold_held_captured_redeemed_and_refunded(ledger: Ledger, clock):
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main street", LOCATION)

    issued = ledger.issue_card(merchant.id, CODE, 5000, "GBP", None, pos("sale-1"))
    assert issued.card.balance == 5000
    assert issued.card.masked_code == "****0001"

    hold = ledger.place_hold(merchant.id, CODE, 2000, "GBP", LOCATION, "A1", pos("h"))
    card, now = ledger.get_card(merchant.id, CODE)
    assert (card.balance, card.held(now), card.available(now)) == (5000, 2000, 3000)

    with pytest.raises(InsufficientFunds):
        ledger.redeem(merchant.id, CODE, 3001, "GBP", LOCATION, None, pos("r0"))

    captured = ledger.capture_hold(merchant.id, hold.ref, 1500, pos("c"))
    assert captured.amount == 1500
    assert (captured.card.balance, captured.card.held(now)) == (3500, 0)
    with pytest.raises(HoldAlreadyResolved):
        ledger.release_hold(merchant.id, hold.ref, pos("late-release"))

    redeemed = ledger.redeem(merchant.id, CODE, 500, "GBP", LOCATION, None, pos("r1"))
    again = ledger.redeem(merchant.id, CODE, 500, "GBP", LOCATION, None, pos("r1"))
    assert again.replayed and again.ref == redeemed.ref
    assert ledger.get_card(merchant.id, CODE)[0].balance == 3000
    with pytest.raises(IdempotencyKeyReused):
        ledger.redeem(merchant.id, CODE, 501, "GBP", LOCATION, None, pos("r1"))

    refunded = ledger.refund(merchant.id, captured.ref, 1500, pos("refund-1"))
    assert refunded.card.balance == 4500

    # The history replays to the same state, from the store, not a cache.
    fresh = Ledger(env=ledger.env.copy() if hasattr(ledger.env, "copy") else None)
    try:
        replayed, _ = fresh.get_card(merchant.id, CODE)
        assert replayed.balance == 4500
        assert replayed.version == refunded.card.version
    finally:
        fresh.close()


def test_a_hold_expires_after_the_merchants_ttl(ledger: Ledger, clock):
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", LOCATION)
    ledger.issue_card(merchant.id, CODE, 1000, "GBP", None, pos())
    hold = ledger.place_hold(merchant.id, CODE, 1000, "GBP", LOCATION, "A1", pos())
    clock.advance(901)
    card, now = ledger.get_card(merchant.id, CODE)
    assert card.available(now) == 1000
    with pytest.raises(HoldAlreadyResolved):
        ledger.capture_hold(merchant.id, hold.ref, None, pos())
    ledger.redeem(merchant.id, CODE, 1000, "GBP", LOCATION, None, pos())
    assert ledger.get_card(merchant.id, CODE)[0].balance == 0


def test_another_merchants_card_is_not_found(ledger: Ledger):
    one = ledger.register_merchant("One", "GBP")
    two = ledger.register_merchant("Two", "GBP")
    ledger.add_site(two.id, "Main", LOCATION)
    ledger.issue_card(one.id, CODE, 1000, "GBP", None, pos())
    with pytest.raises(CardNotFound):
        ledger.get_card(two.id, CODE)
    with pytest.raises(CardNotFound):
        ledger.redeem(two.id, CODE, 1, "GBP", LOCATION, None, pos())
