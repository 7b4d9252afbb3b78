"""Idempotency keys: a repeat returns the first answer and writes nothing; a key
reused with any other request (another amount, currency, location, account, hold,
redemption, reason, note or action, alone or together) is refused; keys are scoped
to one card."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import IdempotencyKeyReused, InsufficientFunds
from domain.giftcard import ADJUSTMENT_REASONS
from domain.ledger import Ledger
from domain.money import CURRENCY_EXPONENTS
from domain.origin import Origin
from domain.views import Outcome, card_view

LOCATION = "4057"


class Ctx:
    """One card with a hold and a redemption to act on."""

    def __init__(
        self, ledger: Ledger, merchant_id: Any, other_redemption: bool = False
    ) -> None:
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
        if other_redemption:
            self.other_redemption = ledger.redeem(
                self.mid, self.code, 1000, "GBP", LOCATION, None, pos
            ).ref

    def version(self) -> int:
        return self.ledger.get_card(self.mid, self.code)[0].version


Request = dict[str, Any]
Run = Callable[[Ctx, Request, Origin], Outcome]
amounts = st.integers(1, 1500)
currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]),
                min_size=1, max_size=12)  # fmt: skip
FUTURE = datetime(2030, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Spec:
    """A command: how to run a request, its first request, other values per field."""

    run: Run
    first: Callable[[Ctx, int], Request]
    others: dict[str, st.SearchStrategy[Any]]


def _hold(c: Ctx, r: Request) -> str:
    return c.hold if r["hold"] == "hold" else c.other_hold


def _redemption(c: Ctx, r: Request) -> str:
    return c.redemption if r["redemption"] == "redemption" else c.other_redemption


# Every field of every command's request, with the other values it could take:
# the same key with any of them changed, alone or together, is another request.
COMMANDS: dict[str, Spec] = {
    "issue": Spec(
        lambda c, r, o: c.ledger.issue_card(
            c.mid, c.code + "n", r["amount"], r["currency"], r["expires_at"], o
        ),
        lambda c, a: {"amount": a, "currency": "GBP", "expires_at": None},
        {
            "amount": amounts,
            "currency": currencies,
            "expires_at": st.just(FUTURE) | st.just(FUTURE + timedelta(seconds=1)),
        },
    ),
    "load": Spec(
        lambda c, r, o: c.ledger.load_card(
            c.mid, c.code, r["amount"], r["currency"], o
        ),
        lambda c, a: {"amount": a, "currency": "GBP"},
        {"amount": amounts, "currency": currencies},
    ),
    "hold": Spec(
        lambda c, r, o: c.ledger.place_hold(
            c.mid, c.code, r["amount"], r["currency"], r["location"], r["account"], o
        ),
        lambda c, a: {
            "amount": a,
            "currency": "GBP",
            "location": LOCATION,
            "account": "A9",
        },
        {
            "amount": amounts,
            "currency": currencies,
            "location": names,
            "account": names,
        },
    ),
    "capture": Spec(
        lambda c, r, o: c.ledger.capture_hold(c.mid, _hold(c, r), r["amount"], o),
        lambda c, a: {"hold": "hold", "amount": a},
        {"hold": st.just("other_hold"), "amount": st.none() | st.integers(1, 2000)},
    ),
    "capture_all": Spec(
        lambda c, r, o: c.ledger.capture_hold(c.mid, _hold(c, r), r["amount"], o),
        lambda c, a: {"hold": "hold", "amount": None},
        {"hold": st.just("other_hold"), "amount": st.integers(1, 2000)},
    ),
    "release": Spec(
        lambda c, r, o: c.ledger.release_hold(c.mid, _hold(c, r), o),
        lambda c, a: {"hold": "hold"},
        {"hold": st.just("other_hold")},
    ),
    "redeem": Spec(
        lambda c, r, o: c.ledger.redeem(
            c.mid, c.code, r["amount"], r["currency"], r["location"], r["account"], o
        ),
        lambda c, a: {
            "amount": a,
            "currency": "GBP",
            "location": LOCATION,
            "account": None,
        },
        {
            "amount": amounts,
            "currency": currencies,
            "location": names,
            "account": names,
        },
    ),
    "refund": Spec(
        lambda c, r, o: c.ledger.refund(c.mid, _redemption(c, r), r["amount"], o),
        lambda c, a: {"redemption": "redemption", "amount": a},
        {"redemption": st.just("other_redemption"), "amount": amounts},
    ),
    "adjust": Spec(
        lambda c, r, o: c.ledger.adjust(
            c.mid, c.code, r["amount"], r["reason"], r["note"], o
        ),
        lambda c, a: {"amount": -a, "reason": "support_issue", "note": ""},
        {
            "amount": st.integers(-1500, 1500).filter(bool),
            "reason": st.sampled_from(sorted(ADJUSTMENT_REASONS - {"other"})),
            "note": names,
        },
    ),
    "reverse_load": Spec(
        lambda c, r, o: c.ledger.reverse_load(
            c.mid, c.code, r["load_id"], r["amount"], o
        ),
        lambda c, a: {"load_id": "issue", "amount": a},
        {"load_id": names, "amount": amounts},
    ),
    "block": Spec(
        lambda c, r, o: c.ledger.change_state(c.mid, c.code, r["action"], r["why"], o),
        lambda c, a: {"action": "block", "why": "lost"},
        {"action": st.sampled_from(["unblock", "void"]), "why": names},
    ),
    "void": Spec(
        lambda c, r, o: c.ledger.change_state(c.mid, c.code, r["action"], r["why"], o),
        lambda c, a: {"action": "void", "why": "closed"},
        {"action": st.sampled_from(["block", "unblock"]), "why": names},
    ),
}
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
    # The same search on both stores: ordering bugs show on one store only.
    @settings(max_examples=60, deadline=None, database=None)
    @given(
        name=st.sampled_from(sorted(COMMANDS)),
        amount=amounts,
        noise=st.lists(st.integers(1, 500), max_size=3),
        data=st.data(),
    )
    def check(name: str, amount: int, noise: list[int], data: st.DataObject) -> None:
        ctx = Ctx(ledger, merchant_id, other_redemption=True)
        spec = COMMANDS[name]
        key = Origin(source="pos", actor="till", idempotency_key=f"key-{name}")
        request = spec.first(ctx, amount)
        first = spec.run(ctx, request, key)
        assert not first.replayed
        if name not in ("block", "void"):  # later commands would be refused
            for extra in noise:  # the card moves on under other keys
                ledger.load_card(merchant_id, ctx.code, extra, "GBP", Origin("pos"))
        version = ctx.version()
        again = spec.run(ctx, dict(request), key)
        assert again.replayed
        assert answer(again) == answer(first)
        assert card_view(again.card, first.now) == card_view(first.card, first.now)
        assert ctx.version() == version
        # Each field alone makes another request, and so do all of them together.
        for fields in [[f] for f in sorted(spec.others)] + [sorted(spec.others)]:
            other = dict(request)
            for field in fields:
                other[field] = data.draw(
                    spec.others[field].filter(lambda v, f=field: v != request[f]),
                    label=field,
                )
            with pytest.raises(IdempotencyKeyReused):
                spec.run(ctx, other, key)
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
