"""GiftCard states: nothing but Unblocked on a blocked card, nothing on a voided one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from domain.errors import CardNotActive, LedgerError
from domain.giftcard import GiftCard
from tests.unit.cards import LATER, NOW, events, names, new_card, origin, state

Command = Callable[[GiftCard], Any]

# Every command of the aggregate, each valid on an active card with hold H1,
# redemption R1 and the issue load.
COMMANDS: dict[str, Command] = {
    "load": lambda c: c.load("L9", 100, NOW, origin()),
    "reverse_load": lambda c: c.reverse_load("issue", 100, NOW, origin()),
    "place_hold": lambda c: c.place_hold("H9", 10, LATER, "A", "L", NOW, origin()),
    "capture": lambda c: c.capture("H1", None, NOW, origin()),
    "release": lambda c: c.release("H1", NOW, origin()),
    "redeem": lambda c: c.redeem("R9", 10, NOW, origin()),
    "refund": lambda c: c.refund("R1", "F9", 10, NOW, origin()),
    "adjust_credit": lambda c: c.adjust("A9", 10, "complimentary", "", NOW, origin()),
    "adjust_debit": lambda c: c.adjust("A9", -10, "support_issue", "", NOW, origin()),
    "block": lambda c: c.block("lost", NOW, origin()),
    "void": lambda c: c.void("fraud", NOW, origin()),
    "expire": lambda c: c.expire(NOW, origin()),
    "release_expired": lambda c: c.release_expired_holds(LATER, origin()),
}


def busy_card() -> GiftCard:
    card = new_card(1000)
    card.place_hold("H1", 200, LATER, "A1", "L1", NOW, origin())
    card.redeem("R1", 100, NOW, origin())
    card.collect_events()
    return card


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - {"expire", "release_expired"}))
def test_each_command_works_on_an_active_card(name):
    card = busy_card()
    COMMANDS[name](card)
    assert events(card)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_nothing_but_unblocked_on_a_blocked_card(name):
    card = busy_card()
    card.block("lost", NOW, origin())
    card.collect_events()
    before = state(card)
    try:
        COMMANDS[name](card)
    except LedgerError as refused:
        assert isinstance(refused, CardNotActive)
    assert events(card) == [] and state(card) == before
    card.unblock("found", NOW, origin())
    assert names(card) == ["Unblocked"] and card.state(NOW) == "active"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_nothing_at_all_on_a_voided_card(name):
    card = busy_card()
    card.void("fraud", NOW, origin())
    card.collect_events()
    before = state(card)
    try:
        COMMANDS[name](card)
    except LedgerError as refused:
        assert isinstance(refused, CardNotActive)
    with pytest.raises(CardNotActive):
        card.unblock("found", NOW, origin())
    assert events(card) == [] and state(card) == before


def test_unblock_only_lifts_a_block():
    with pytest.raises(CardNotActive):
        busy_card().unblock("why", NOW, origin())


def test_a_blocked_card_cannot_be_blocked_again_or_voided():
    card = busy_card()
    card.block("lost", NOW, origin())
    for command in (COMMANDS["block"], COMMANDS["void"]):
        with pytest.raises(CardNotActive):
            command(card)


def test_voiding_releases_open_holds_and_forfeits_the_balance():
    card = busy_card()
    card.void("fraud", NOW, origin("k", "void"))
    released, voided = events(card)
    assert (released.hold_id, released.reason, released.amount) == (
        "H1",
        "cancelled",
        200,
    )
    assert (voided.forfeited, voided.reason) == (900, "fraud")
    assert (card.balance, card.held(NOW), card.state(NOW)) == (0, 0, "voided")
    # The command's answer is the Voided event, not the first release.
    assert card.applied["k"][1:] == [card.version, "void"]


def test_voiding_an_empty_card_forfeits_nothing():
    card = new_card(100)
    card.redeem("R1", 100, NOW, origin())
    card.collect_events()
    card.void("closed", NOW, origin())
    (voided,) = events(card)
    assert voided.forfeited == 0 and card.balance == 0


def test_block_and_unblock_keep_the_money():
    card = busy_card()
    card.block("lost", NOW, origin())
    assert card.state(NOW) == "blocked" and card.balance == 900
    card.unblock("found", NOW, origin())
    assert (card.state(NOW), card.balance, card.held(NOW)) == ("active", 900, 200)


def test_an_expired_card_can_be_blocked_and_stays_expired_after_unblocking():
    card = new_card(1000, expires_at=NOW + timedelta(days=1))
    after = NOW + timedelta(days=2)
    card.expire(after, origin())
    card.block("suspicious", after, origin())
    card.unblock("cleared", after, origin())
    assert card.state(after) == "expired"
