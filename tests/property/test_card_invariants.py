"""Random command sequences on a GiftCard never break an invariant of DESIGN section 3.

`audit` is an independent fold of a card's events that checks every rule on the
event log itself; the ledger-level properties (test_card_sequences.py) reuse it on
the events read back from the store.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.card_codes import card_id, mask
from domain.errors import LedgerError
from domain.giftcard import ADJUSTMENT_REASONS, GiftCard
from domain.origin import Origin

START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ORIGIN = Origin(source="pos", actor="prop").as_event()


def audit(events: list[Any]) -> dict[str, Any]:
    """Fold a card's events, asserting each rule; the balance and status they give."""
    balance, status = 0, "none"
    holds: dict[str, dict[str, Any]] = {}
    taken: dict[str, list[int]] = {}
    loads: dict[str, list[int]] = {}
    for event in events:
        name = type(event).__name__
        assert status != "voided", f"{name} after Voided"
        assert status != "blocked" or name == "Unblocked", f"{name} on a blocked card"
        amount = getattr(event, "amount", None)
        assert amount is None or (type(amount) is int and amount > 0), (name, amount)
        if name == "Issued":
            balance, status, loads["issue"] = amount, "active", [amount, 0]
        elif name == "Loaded":
            assert event.load_id not in loads
            loads[event.load_id] = [amount, 0]
            balance += amount
        elif name == "LoadReversed":
            loads[event.load_id][1] += amount
            assert loads[event.load_id][1] <= loads[event.load_id][0]
            balance -= amount
        elif name == "HoldPlaced":
            assert event.hold_id not in holds and event.hold_id not in taken
            holds[event.hold_id] = {"amount": amount, "captured": None, "end": None}
        elif name == "HoldCaptured":
            hold = holds[event.hold_id]
            assert hold["captured"] is None and hold["end"] is None, "resolved twice"
            assert amount <= hold["amount"], "captured more than held"
            hold["captured"], taken[event.hold_id] = amount, [amount, 0]
            balance -= amount
        elif name == "HoldReleased":
            hold = holds[event.hold_id]
            assert hold["end"] is None, "released twice"
            if event.reason == "remainder":
                assert hold["captured"] is not None
                assert amount == hold["amount"] - hold["captured"]
            else:
                assert hold["captured"] is None and amount == hold["amount"]
                assert event.reason in ("cancelled", "expired")
            hold["end"] = event.reason
        elif name == "Redeemed":
            assert event.redemption_id not in taken
            taken[event.redemption_id] = [amount, 0]
            balance -= amount
        elif name == "RedemptionRefunded":
            taken[event.redemption_id][1] += amount
            assert taken[event.redemption_id][1] <= taken[event.redemption_id][0]
            balance += amount
        elif name == "Adjusted":
            assert event.reason in ADJUSTMENT_REASONS
            assert event.reason != "other" or event.note.strip()
            assert event.direction in ("credit", "debit")
            balance += amount if event.direction == "credit" else -amount
        elif name == "Blocked":
            status = "blocked"
        elif name == "Unblocked":
            status = "active"
        elif name == "Voided":
            assert all(h["captured"] is not None or h["end"] for h in holds.values())
            assert event.forfeited == balance
            balance, status = 0, "voided"
        elif name == "Expired":
            assert status == "active"
            status = "expired"
        else:  # pragma: no cover - a new event type needs a rule here
            raise AssertionError(f"unknown event {name}")
        assert balance >= 0, f"balance {balance} after {name}"
    return {"balance": balance, "status": status, "holds": holds}


def check_card(card: GiftCard, now: datetime) -> None:
    """The invariants a card's state must hold at any time."""
    assert card.balance >= 0
    assert card.held(now) >= 0
    assert card.available(now) >= 0, (card.balance, card.held(now))
    for hold in card.holds.values():
        assert hold["captured"] <= hold["amount"]
    for taken, refunded in card.redemptions.values():
        assert 0 <= refunded <= taken


# Mostly valid amounts; now and then one the rules must refuse.
amounts = st.integers(-30, 800).map(lambda a: a if a > 0 else (0, -1, 10**16)[a % 3])
refs = st.integers(0, 7)
hold = st.tuples(st.just("hold"), amounts, st.integers(1, 900))
capture = st.tuples(st.just("capture"), refs, st.none() | amounts)
redeem = st.tuples(st.just("redeem"), amounts)
# Blocks are mostly lifted again, and a void (final) is rare, so sequences go on.
control = st.tuples(st.sampled_from(["block", "block", "expire", "void"]))
unblock = st.tuples(st.just("unblock"))
step = st.one_of(
    st.tuples(st.just("load"), amounts),
    st.tuples(st.just("reverse_load"), refs, amounts),
    hold, hold, capture, capture, redeem, redeem,
    st.tuples(st.just("release"), refs),
    st.tuples(st.just("refund"), refs, amounts),
    st.tuples(
        st.just("adjust"),
        st.integers(-800, 800),
        st.sampled_from([*sorted(ADJUSTMENT_REASONS), "bogus"]),
        st.sampled_from(["", "note"]),
    ),
    control, unblock, unblock,
    st.tuples(st.just("advance"), st.sampled_from([5, 60, 300, 1000, 86400])),
    st.tuples(st.just("release_expired")),
)  # fmt: skip
steps = st.lists(step, min_size=20, max_size=80)


def pick(items: list[str], index: int) -> str:
    return items[index % len(items)] if items else "missing"


def run_step(card: GiftCard, step: tuple[Any, ...], now: datetime, n: int) -> None:
    """Run one step on the card (it may refuse); refs index the card's own books."""
    kind, *args = step
    open_holds = [h for h, v in card.holds.items() if v["status"] == "open"]
    if kind == "load":
        card.load(f"L{n}", args[0], now, ORIGIN)
    elif kind == "reverse_load":
        card.reverse_load(pick(list(card.loads), args[0]), args[1], now, ORIGIN)
    elif kind == "hold":
        expires = now + timedelta(seconds=args[1])
        card.place_hold(f"H{n}", args[0], expires, "A", "L", now, ORIGIN)
    elif kind == "capture":
        hold_id = pick(open_holds or list(card.holds), args[0])
        card.capture(hold_id, args[1], now, ORIGIN)
    elif kind == "release":
        card.release(pick(open_holds or list(card.holds), args[0]), now, ORIGIN)
    elif kind == "redeem":
        card.redeem(f"R{n}", args[0], now, ORIGIN)
    elif kind == "refund":
        redemption = pick(list(card.redemptions), args[0])
        card.refund(redemption, f"F{n}", args[1], now, ORIGIN)
    elif kind == "adjust":
        card.adjust(f"A{n}", args[0], args[1], args[2], now, ORIGIN)
    elif kind == "release_expired":
        card.release_expired_holds(now, ORIGIN)
    elif kind in ("block", "unblock", "void"):
        getattr(card, kind)("why", now, ORIGIN)
    elif kind == "expire":
        card.expire(now, ORIGIN)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 5000),
    st.none() | st.integers(60, 20000),
    steps,
)
def test_no_command_sequence_breaks_an_invariant(issued, expiry, sequence):
    now = START
    expires_at = None if expiry is None else START + timedelta(seconds=expiry)
    card = new_card(issued, expires_at)
    log = list(card.collect_events())
    for n, step in enumerate(sequence):
        if step[0] == "advance":
            now += timedelta(seconds=step[1])
            continue
        before = copy.deepcopy(card.__dict__)
        try:
            run_step(card, step, now, n)
        except LedgerError:
            # A refusal writes nothing and changes nothing.
            assert card.collect_events() == []
            assert card.__dict__ == before
        log.extend(card.collect_events())
        check_card(card, now)
    folded = audit(log)
    assert (folded["balance"], folded["status"]) == (card.balance, card.status)
    assert card.version == len(log)


def new_card(amount: int, expires_at: datetime | None) -> GiftCard:
    """A card just issued (its Issued event still pending)."""
    merchant = uuid4()
    return GiftCard.issue(
        card_id(merchant, "0001"), merchant, mask("0001"), "GBP", amount, expires_at,
        ORIGIN,
    )  # fmt: skip
