"""One receipt's aggregates, changed in memory by its commands until the one save."""

from __future__ import annotations

from datetime import datetime
from typing import Any, assert_never
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.accounts import PosAccount
from domain.errors import CardNotFound, LedgerError
from domain.giftcard import GiftCard
from domain.ledger_core import LedgerCore
from domain.origin import system_origin
from domain.pointers import Pointer
from domain.receipt_header import ReceiptHeader
from domain.receipt_lines import line_origin, new_outcome
from domain.receipt_plan import (
    Applicable,
    Capture,
    Command,
    OpenHold,
    PriorLine,
    Redeem,
    Refund,
    Release,
    Reverse,
    Sell,
    Taken,
    TakenPayment,
    Unapplied,
)
from domain.receipts import Receipt
from domain.states import CAPTURED, OPEN, RELEASED

APPLIED, EXCEPTION, DUPLICATE = "applied", "exception", "duplicate"


class ReceiptBatch:
    """Loads each card once, applies commands, and lists what to save."""

    def __init__(self, ledger: LedgerCore, header: ReceiptHeader, now: datetime):
        self.ledger = ledger
        self.header = header
        self.now = now
        self.receipt_id = header.receipt_id
        self.cards: dict[UUID, GiftCard] = {}
        self.expired: set[str] = set()
        self.pointers: list[Aggregate] = []

    def card(self, card_uuid: UUID) -> GiftCard | None:
        """A card of the merchant, its expired holds released; None if unknown."""
        if card_uuid in self.cards:
            return self.cards[card_uuid]
        try:
            card = self.ledger.card_by_id(self.header.merchant_id, card_uuid)
        except CardNotFound:
            return None
        # Remember which holds ran out before the lazy release marks them released.
        self.expired.update(card.expired_holds(self.now))
        card.release_expired_holds(self.now, system_origin(self.now).as_event())
        self.cards[card_uuid] = card
        return card

    def account_context(
        self, account: PosAccount
    ) -> tuple[tuple[OpenHold, ...], tuple[TakenPayment, ...]]:
        """The account's unsettled holds (expired ones flagged), and the money the
        POS already took for it (holds it captured, redemptions)."""
        holds, taken = [], []
        for ref, card_uuid in account.unsettled().items():
            card = self.card(card_uuid)
            if card is None:
                continue
            cid, masked, cur = card.id, card.masked_code, card.currency
            if account.is_redemption(ref):
                done = card.redemptions.get(ref, [0, 0])[0]
                if done:
                    taken.append(TakenPayment(ref, cid, masked, done, False, cur))
                continue
            hold = card.holds.get(ref)
            if hold is None:
                continue
            # Expired: just now, or earlier by another command's lazy release.
            expired = ref in self.expired or (
                hold["status"] == RELEASED and hold.get("released_reason") == "expired"
            )
            if expired or hold["status"] == OPEN:
                amount = hold["amount"]
                holds.append(OpenHold(ref, cid, masked, amount, expired, cur))
            elif hold["status"] == CAPTURED:
                amount = hold["captured"]
                taken.append(TakenPayment(ref, cid, masked, amount, True, cur))
        return tuple(holds), tuple(taken)

    def settled_holds(self, account: PosAccount) -> list[str]:
        """The account's entries that are no longer open once the commands ran."""
        settled = []
        for ref, card_uuid in account.unsettled().items():
            card = self.cards.get(card_uuid)
            status = None if card is None else card.holds.get(ref, {}).get("status")
            if account.is_redemption(ref) or (card is not None and status != OPEN):
                settled.append(ref)
        return settled

    def prior_lines(self, original: Receipt) -> tuple[PriorLine, ...]:
        """The original receipt's applied sales and payments, with what is left."""
        lines = []
        for out in original.outcomes:
            taken = out["result"] in (APPLIED, DUPLICATE) and out["ref"]
            if not taken or out["kind"] not in ("sale", "payment"):
                continue
            card = self.card(UUID(out["card_id"]))
            if card is None:
                continue
            book = card.redemptions if out["kind"] == "payment" else card.loads
            done, undone = book.get(out["ref"], [0, 0])
            prior = PriorLine(
                line_id=out["line_id"], kind=out["kind"], card_id=card.id,
                masked_code=card.masked_code, ref=out["ref"], remaining=done - undone,
            )  # fmt: skip
            lines.append(prior)
        return tuple(lines)

    def aggregates(self) -> list[Aggregate]:
        """Every card and pointer the commands touched."""
        return [*self.cards.values(), *self.pointers]

    def apply(self, command: Command) -> dict[str, Any]:
        """Run one command; a refusal becomes an exception outcome, changing nothing."""
        outcome = new_outcome(command, APPLIED)
        if isinstance(command, Unapplied):
            outcome.update(result=EXCEPTION, code=command.code, detail=command.detail)
            return outcome
        if isinstance(command, Taken):
            detail = "the POS already took this payment over the API"
            outcome.update(result=DUPLICATE, ref=command.ref, detail=detail)
            return outcome
        try:
            outcome["ref"] = self._run(command)
        except LedgerError as error:
            outcome.update(result=EXCEPTION, code=error.code, detail=error.detail)
        return outcome

    def _run(self, command: Applicable) -> str:
        origin = line_origin(self.header, self.receipt_id, self.now, command)
        now = self.now
        card = self.card(command.card_id)
        if card is None:
            if not isinstance(command, Sell):
                raise CardNotFound()
            self.cards[command.card_id] = GiftCard.issue(
                command.card_id, self.header.merchant_id, command.masked_code,
                command.currency, command.amount, None, origin,
            )  # fmt: skip
            return "issue"
        if not isinstance(command, Release):
            card.check_currency(command.currency)
        match command:
            case Release(hold_id=hold_id, reason=reason):
                card.release(hold_id, now, origin, reason=reason)
                return hold_id
            case Sell(amount=amount):
                load_id = str(uuid4())
                card.load(load_id, amount, now, origin)
                return load_id
            case Capture(hold_id=hold_id, amount=amount):
                card.capture(hold_id, amount, now, origin)
                return hold_id
            case Redeem(amount=amount):
                redemption_id = uuid4()
                card.redeem(str(redemption_id), amount, now, origin)
                pointer = Pointer.create(
                    redemption_id, card.merchant_id, card.id, "redemption"
                )
                self.pointers.append(pointer)
                return str(redemption_id)
            case Refund(redemption_id=redemption_id, amount=amount):
                refund_id = str(uuid4())
                card.refund(redemption_id, refund_id, amount, now, origin)
                return refund_id
            case Reverse(load_id=load_id, amount=amount):
                card.reverse_load(load_id, amount, now, origin)
                return load_id
            case _:
                assert_never(command)
