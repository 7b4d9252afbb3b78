"""Idempotency keys: a repeat returns the first answer and writes nothing; a key
reused with other arguments is refused; keys are scoped to one card."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import IdempotencyKeyReused, InsufficientFunds
from domain.ledger import Ledger
from domain.origin import Origin
from domain.views import Outcome, card_view

LOCATION = "4057"


class Ctx:
    """One card with a hold and a redemption to act on."""

    def __init__(self, ledger: Ledger, merchant_id: Any) -> None:
        self.ledger, self.mid, self.code = ledger, merchant_id, uuid4().hex
        pos = Origin(source="pos")
        ledger.issue_card(self.mid, self.code, 10_000, "GBP", None, pos)
        self.hold = ledger.place_hold(
            self.mid, self.code, 2000, "GBP", LOCATION, "A1", pos
        ).ref
        self.other_hold = ledger.place_hold(
            self.mid, self.code, 500, "GBP", LOCATION, "A1", pos
        ).ref
        self.redemption = ledger.redeem(
            self.mid, self.code, 3000, "GBP", LOCATION, None, pos
        ).ref

    def version(self) -> int:
        return self.ledger.get_card(self.mid, self.code)[0].version


Command = Callable[[Ctx, int, Origin], Outcome]

# Each command as (first request, the same key with different arguments).
COMMANDS: dict[str, tuple[Command, Command]] = {
    "issue": (
        lambda c, a, o: c.ledger.issue_card(c.mid, c.code + "n", a, "GBP", None, o),
        lambda c, a, o: c.ledger.issue_card(c.mid, c.code + "n", a + 1, "GBP", None, o),
    ),
    "load": (
        lambda c, a, o: c.ledger.load_card(c.mid, c.code, a, "GBP", o),
        lambda c, a, o: c.ledger.load_card(c.mid, c.code, a + 1, "GBP", o),
    ),
    "hold": (
        lambda c, a, o: c.ledger.place_hold(c.mid, c.code, a, "GBP", LOCATION, "A9", o),
        lambda c, a, o: c.ledger.place_hold(c.mid, c.code, a, "GBP", LOCATION, "A8", o),
    ),
    "capture": (
        lambda c, a, o: c.ledger.capture_hold(c.mid, c.hold, min(a, 2000), o),
        lambda c, a, o: c.ledger.capture_hold(c.mid, c.other_hold, None, o),
    ),
    "capture_all": (
        lambda c, a, o: c.ledger.capture_hold(c.mid, c.hold, None, o),
        lambda c, a, o: c.ledger.capture_hold(c.mid, c.hold, 1, o),
    ),
    "release": (
        lambda c, a, o: c.ledger.release_hold(c.mid, c.hold, o),
        lambda c, a, o: c.ledger.release_hold(c.mid, c.other_hold, o),
    ),
    "redeem": (
        lambda c, a, o: c.ledger.redeem(c.mid, c.code, a, "GBP", LOCATION, None, o),
        lambda c, a, o: c.ledger.redeem(c.mid, c.code, a, "GBP", LOCATION, "A1", o),
    ),
    "refund": (
        lambda c, a, o: c.ledger.refund(c.mid, c.redemption, min(a, 3000), o),
        lambda c, a, o: c.ledger.refund(c.mid, c.redemption, min(a, 3000) - 1 or 2, o),
    ),
    "adjust": (
        lambda c, a, o: c.ledger.adjust(c.mid, c.code, -a, "support_issue", "", o),
        lambda c, a, o: c.ledger.adjust(c.mid, c.code, -a, "support_issue", "x", o),
    ),
    "reverse_load": (
        lambda c, a, o: c.ledger.reverse_load(c.mid, c.code, "issue", a, o),
        lambda c, a, o: c.ledger.reverse_load(c.mid, c.code, "issue", a + 1, o),
    ),
    "block": (
        lambda c, a, o: c.ledger.change_state(c.mid, c.code, "block", "lost", o),
        lambda c, a, o: c.ledger.change_state(c.mid, c.code, "block", "stolen", o),
    ),
    "void": (
        lambda c, a, o: c.ledger.change_state(c.mid, c.code, "void", "closed", o),
        lambda c, a, o: c.ledger.change_state(c.mid, c.code, "block", "closed", o),
    ),
}  # fmt: skip
SPENDS = {"hold", "redeem", "adjust", "reverse_load", "capture", "capture_all"}


def answer(outcome: Outcome) -> tuple[Any, ...]:
    """What a caller sees of an outcome besides the card view."""
    return (outcome.ref, outcome.amount, outcome.card.version)


@pytest.fixture
def merchant_id(ledger: Ledger) -> Any:
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", LOCATION)
    return merchant.id


def test_a_repeat_returns_the_first_answer_and_a_reuse_is_refused(
    ledger: Ledger, merchant_id, database_url
):
    heavy = database_url.startswith("sqlite")

    @settings(max_examples=60 if heavy else 15, deadline=None, database=None)
    @given(
        name=st.sampled_from(sorted(COMMANDS)),
        amount=st.integers(1, 1500),
        noise=st.lists(st.integers(1, 500), max_size=3),
    )
    def check(name: str, amount: int, noise: list[int]) -> None:
        ctx = Ctx(ledger, merchant_id)
        first_cmd, other_cmd = COMMANDS[name]
        key = Origin(source="pos", actor="till", idempotency_key=f"key-{name}")
        first = first_cmd(ctx, amount, key)
        assert not first.replayed
        if name not in ("block", "void"):  # later commands would be refused
            for extra in noise:  # the card moves on under other keys
                ledger.load_card(merchant_id, ctx.code, extra, "GBP", Origin("pos"))
        version = ctx.version()
        again = first_cmd(ctx, amount, key)
        assert again.replayed
        assert answer(again) == answer(first)
        assert card_view(again.card, first.now) == card_view(first.card, first.now)
        assert ctx.version() == version
        with pytest.raises(IdempotencyKeyReused):
            other_cmd(ctx, amount, key)
        assert ctx.version() == version

    check()


def test_keys_are_scoped_to_one_card(ledger: Ledger, merchant_id):
    one, two = Ctx(ledger, merchant_id), Ctx(ledger, merchant_id)
    key = Origin(source="pos", idempotency_key="shared")
    first = ledger.redeem(merchant_id, one.code, 100, "GBP", LOCATION, None, key)
    second = ledger.redeem(merchant_id, two.code, 100, "GBP", LOCATION, None, key)
    assert not second.replayed and second.ref != first.ref
    assert second.card.id != first.card.id
    # With other arguments on a third card, too: a new command, not a reuse.
    three = Ctx(ledger, merchant_id)
    third = ledger.load_card(merchant_id, three.code, 5, "GBP", key)
    assert not third.replayed and third.card.balance == 10_000 - 3000 + 5


def test_a_refused_command_does_not_consume_its_key(ledger: Ledger, merchant_id):
    ctx = Ctx(ledger, merchant_id)
    key = Origin(source="pos", idempotency_key="retry-me")
    available = 10_000 - 2500 - 3000
    with pytest.raises(InsufficientFunds):
        ledger.redeem(merchant_id, ctx.code, available + 1, "GBP", LOCATION, None, key)
    done = ledger.redeem(merchant_id, ctx.code, available, "GBP", LOCATION, None, key)
    assert not done.replayed and done.card.available(done.now) == 0
