"""Commands that name a hold or a redemption by its public id: capture, release,
refund. The id leads to the card through a Pointer saved with it."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from domain.errors import HoldNotFound, RedemptionNotFound
from domain.giftcard import GiftCard
from domain.ledger_core import LedgerCore
from domain.money import check_minor
from domain.origin import Origin
from domain.pointers import Pointer
from domain.views import Outcome
from domain.work import CardWork


def pointed_card_id(
    ledger: LedgerCore, merchant_id: UUID, ref: str, kinds: set[str]
) -> UUID | None:
    """The card a hold or redemption id of this merchant belongs to, if any."""
    try:
        pointer = ledger.get_aggregate(UUID(ref))
    except ValueError:
        return None
    if not isinstance(pointer, Pointer) or pointer.merchant_id != merchant_id:
        return None
    return pointer.card_id if pointer.kind in kinds else None


def capture_hold(
    ledger: LedgerCore, merchant_id: UUID, hold_id: str, amount: int | None,
    origin: Origin,
) -> Outcome:  # fmt: skip
    """Take (part of) a held amount; the rest goes back to the card."""
    if amount is not None:
        check_minor(amount)
    card_uuid = pointed_card_id(ledger, merchant_id, hold_id, {"hold"})
    if card_uuid is None:
        raise HoldNotFound("no hold with that id")

    def step(work: CardWork) -> tuple[str, int]:
        return hold_id, work.card.capture(hold_id, amount, work.now, work.stamp())

    fingerprinted = origin.with_fingerprint("capture", hold_id, amount)
    outcome = ledger.on_card(merchant_id, card_uuid, fingerprinted, step)
    if outcome.replayed:  # the first answer's amount: what that capture took
        return replace(outcome, amount=outcome.card.holds[hold_id]["captured"])
    return outcome


def release_hold(
    ledger: LedgerCore, merchant_id: UUID, hold_id: str, origin: Origin
) -> Outcome:
    """Cancel a hold; its money is available again."""
    card_uuid = pointed_card_id(ledger, merchant_id, hold_id, {"hold"})
    if card_uuid is None:
        raise HoldNotFound("no hold with that id")

    def step(work: CardWork) -> str:
        work.card.release(hold_id, work.now, work.stamp())
        return hold_id

    fingerprinted = origin.with_fingerprint("release", hold_id)
    return ledger.on_card(merchant_id, card_uuid, fingerprinted, step)


def refund(
    ledger: LedgerCore, merchant_id: UUID, redemption_id: str, amount: int,
    origin: Origin,
) -> Outcome:  # fmt: skip
    """Give back money a redemption (or a captured hold) took."""
    check_minor(amount)
    kinds = {"redemption", "hold"}
    card_uuid = pointed_card_id(ledger, merchant_id, redemption_id, kinds)
    if card_uuid is None:
        raise RedemptionNotFound("no redemption with that id")

    def redeemed(card: GiftCard) -> None:
        if redemption_id not in card.redemptions:  # a hold never captured
            raise RedemptionNotFound("no redemption with that id")

    def step(work: CardWork) -> str:
        refund_id = str(uuid4())
        work.card.refund(redemption_id, refund_id, amount, work.now, work.stamp())
        return refund_id

    fingerprinted = origin.with_fingerprint("refund", redemption_id, amount)
    return ledger.on_card(
        merchant_id, card_uuid, fingerprinted, step, amount=amount, check=redeemed
    )
