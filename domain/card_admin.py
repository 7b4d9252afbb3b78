"""Support commands on cards: adjustments, blocks, voids, expiry, load reversals."""

from __future__ import annotations

from typing import Literal, assert_never, get_args
from uuid import UUID, uuid4

from domain.card_codes import card_id
from domain.card_rules import check_adjustment
from domain.ledger_core import LedgerCore
from domain.money import check_minor
from domain.origin import Origin
from domain.views import Outcome
from domain.work import CardWork

Action = Literal["block", "unblock", "void", "expire"]
ACTIONS = frozenset(get_args(Action))


def adjust(
    ledger: LedgerCore, merchant_id: UUID, code: str, amount: int, reason: str,
    note: str, origin: Origin,
) -> Outcome:  # fmt: skip
    """Correct a balance by a signed amount with a reason code."""
    check_minor(amount, allow_negative=True)
    check_adjustment(reason, note)

    def step(work: CardWork) -> str:
        adjustment_id = str(uuid4())
        work.card.adjust(adjustment_id, amount, reason, note, work.now, work.stamp())
        return adjustment_id

    return ledger.on_card(
        merchant_id, card_id(merchant_id, code),
        origin.with_fingerprint("adjust", amount, reason, note), step,
        amount=amount, touches=(merchant_id,),
    )  # fmt: skip


def reverse_load(
    ledger: LedgerCore, merchant_id: UUID, code: str, load_id: str, amount: int,
    origin: Origin,
) -> Outcome:  # fmt: skip
    """Take back a load whose gift-card sale was refunded."""
    check_minor(amount)

    def step(work: CardWork) -> str:
        work.card.reverse_load(load_id, amount, work.now, work.stamp())
        return load_id

    return ledger.on_card(
        merchant_id, card_id(merchant_id, code),
        origin.with_fingerprint("reverse_load", load_id, amount), step,
        amount=amount, touches=(merchant_id,),
    )  # fmt: skip


def change_state(
    ledger: LedgerCore, merchant_id: UUID, code: str, action: str, reason: str,
    origin: Origin,
) -> Outcome:  # fmt: skip
    """Block, unblock, void or expire a card."""
    if action not in ACTIONS:
        raise ValueError(f"unknown card action {action!r}")
    known: Action = action  # type: ignore[assignment]  # checked just above

    def step(work: CardWork) -> str:
        card, now, stamped = work.card, work.now, work.stamp()
        match known:
            case "block":
                card.block(reason, now, stamped)
            case "unblock":
                card.unblock(reason, now, stamped)
            case "void":
                card.void(reason, now, stamped)
            case "expire":
                card.expire(now, stamped)
            case _:
                assert_never(known)
        return known

    return ledger.on_card(
        merchant_id, card_id(merchant_id, code),
        origin.with_fingerprint(action, reason), step, touches=(merchant_id,),
    )  # fmt: skip
