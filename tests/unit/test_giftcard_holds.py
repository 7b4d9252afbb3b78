"""GiftCard holds: placed against available money, captured or released once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import (
    CardNotActive,
    HoldAlreadyResolved,
    HoldNotFound,
    InsufficientFunds,
    InvalidAmount,
    InvalidRequest,
)
from domain.views import card_view, hold_view
from tests.unit.cards import LATER, NOW, events, names, new_card, origin, state


def held_card(amount: int = 1000, hold: int = 600):
    card = new_card(amount)
    card.place_hold("H1", hold, LATER, "A1", "L1", NOW, origin())
    card.collect_events()
    return card


def test_a_hold_reserves_money_without_moving_the_balance():
    card = held_card(1000, 600)
    assert (card.balance, card.held(NOW), card.available(NOW)) == (1000, 600, 400)
    assert card.holds["H1"]["status"] == "open"
    with pytest.raises(InsufficientFunds):
        card.place_hold("H2", 401, LATER, "A1", "L1", NOW, origin())
    card.place_hold("H2", 400, LATER, "A1", "L1", NOW, origin())
    assert card.available(NOW) == 0


@pytest.mark.parametrize(
    "expires_at", [NOW, NOW - timedelta(seconds=1), datetime(2030, 1, 1)]
)
def test_a_hold_must_expire_in_the_future_with_a_timezone(expires_at):
    card = new_card(1000)
    with pytest.raises(InvalidRequest):
        card.place_hold("H1", 10, expires_at, "A1", "L1", NOW, origin())


def test_a_hold_id_is_never_reused():
    card = held_card()
    card.redeem("R1", 10, NOW, origin())
    for used in ("H1", "R1"):
        with pytest.raises(InvalidRequest):
            card.place_hold(used, 10, LATER, "A1", "L1", NOW, origin())
        with pytest.raises(InvalidRequest):
            card.redeem(used, 10, NOW, origin())


def test_a_full_capture_takes_the_held_amount():
    card = held_card(1000, 600)
    assert card.capture("H1", None, NOW, origin()) == 600
    assert names(card) == ["HoldCaptured"]
    assert (card.balance, card.held(NOW), card.available(NOW)) == (400, 0, 400)
    assert card.holds["H1"]["captured"] == 600


def test_a_partial_capture_releases_the_remainder_in_the_same_command():
    card = held_card(1000, 600)
    assert card.capture("H1", 250, NOW, origin("k", "capture")) == 250
    captured, released = events(card)
    assert (captured.amount, released.amount, released.reason) == (
        250, 350, "remainder",
    )  # fmt: skip
    assert (card.balance, card.available(NOW)) == (750, 750)
    # The command's answer is the state after its last event.
    assert card.applied["k"][1:] == [card.version, "H1"]


def test_a_capture_never_exceeds_the_hold():
    card = held_card(1000, 600)
    before = state(card)
    with pytest.raises(InsufficientFunds):
        card.capture("H1", 601, NOW, origin())
    with pytest.raises(InvalidAmount):
        card.capture("H1", 0, NOW, origin())
    assert state(card) == before


@pytest.mark.parametrize("first", ["capture", "release"])
@pytest.mark.parametrize("second", ["capture", "release"])
def test_a_hold_is_captured_or_released_at_most_once(first, second):
    card = held_card()
    act = {
        "capture": lambda: card.capture("H1", None, NOW, origin()),
        "release": lambda: card.release("H1", NOW, origin()),
    }
    act[first]()
    before = state(card)
    with pytest.raises(HoldAlreadyResolved):
        act[second]()
    assert state(card) == before


def test_an_expired_hold_cannot_be_captured_or_released():
    card = held_card()
    for command in (
        lambda: card.capture("H1", None, LATER, origin()),
        lambda: card.release("H1", LATER, origin()),
    ):
        with pytest.raises(HoldAlreadyResolved, match="expired"):
            command()


def test_expired_holds_are_released_lazily_with_reason_expired():
    card = held_card()
    card.place_hold("H2", 100, LATER + timedelta(hours=1), "A2", "L1", NOW, origin())
    card.collect_events()
    card.release_expired_holds(LATER, origin())
    (released,) = events(card)
    assert (released.hold_id, released.reason, released.amount) == (
        "H1",
        "expired",
        600,
    )
    assert card.holds["H1"]["status"] == "released"
    assert card.holds["H2"]["status"] == "open"
    assert hold_view(card, "H1", LATER)["status"] == "expired"
    card.release_expired_holds(LATER, origin())
    assert events(card) == []


def test_an_unknown_hold_is_not_found():
    card = new_card()
    with pytest.raises(HoldNotFound):
        card.capture("nope", None, NOW, origin())
    with pytest.raises(HoldNotFound):
        card.release("nope", NOW, origin())


def test_an_open_hold_is_honoured_after_the_card_expiry_date():
    card = new_card(1000, expires_at=NOW + timedelta(minutes=5))
    card.place_hold("H1", 600, LATER, "A1", "L1", NOW, origin())
    at = NOW + timedelta(minutes=10)
    assert card.state(at) == "expired"
    assert card.capture("H1", None, at, origin()) == 600
    assert card.balance == 400


def test_views_show_the_hold_and_the_card():
    card = held_card(1000, 600)
    view = hold_view(card, "H1", NOW)
    assert view == {
        "hold_id": "H1", "amount": 600, "captured_amount": 0, "status": "open",
        "expires_at": LATER, "account_id": "A1", "business_location_id": "L1",
        "currency": "GBP",
    }  # fmt: skip
    assert hold_view(card, "H1", LATER)["status"] == "expired"
    shown = card_view(card, NOW)
    assert (shown["balance"], shown["held"], shown["available"]) == (1000, 600, 400)
    assert shown["masked_code"].startswith("****") and shown["version"] == 2
    assert card_view(card, LATER)["available"] == 1000
    card.capture("H1", 100, NOW, origin())
    assert hold_view(card, "H1", NOW)["status"] == "captured"
    assert hold_view(card, "H1", NOW)["captured_amount"] == 100


def test_a_hold_placed_across_timezones_compares_correctly():
    card = new_card(1000)
    tokyo = LATER.astimezone(datetime.now(UTC).astimezone().tzinfo)
    card.place_hold("H1", 10, tokyo, None, None, NOW, origin())
    assert card.held(NOW) == 10 and card.held(LATER) == 0


def test_blocked_card_holds_can_neither_be_captured_nor_released():
    card = held_card()
    card.block("lost", NOW, origin())
    card.collect_events()
    with pytest.raises(CardNotActive):
        card.capture("H1", None, NOW, origin())
    with pytest.raises(CardNotActive):
        card.release("H1", NOW, origin())
    card.release_expired_holds(LATER, origin())
    assert events(card) == []  # written after the unblock, not while blocked
