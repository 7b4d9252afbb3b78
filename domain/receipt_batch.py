"""One receipt's aggregates, changed in memory by its commands until the one save."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.accounts import PosAccount
from domain.errors import CardNotFound, LedgerError
from domain.giftcard import GiftCard
from domain.giftcard_events import CAPTURED, OPEN, RELEASED
from domain.ledger_core import LedgerCore
from domain.origin import Origin, system_origin
from domain.pointers import Pointer
from domain.receipt_plan import (
    Applicable,
    Capture,
    Command,
    OpenHold,
    PriorLine,
    ReceiptHeader,
    Redeem,
    Refund,
    Release,
    Sell,
    Taken,
    TakenPayment,
    Unapplied,
)
from domain.receipts import Receipt, receipt_key

APPLIED, EXCEPTION, DUPLICATE = "applied", "exception", "duplicate"


class ReceiptBatch:
    """Loads each card once, applies commands, and lists what to save."""

    def __init__(self, ledger: LedgerCore, header: ReceiptHeader, now: datetime):
        self.ledger = ledger
        self.header = header
        self.now = now
        self.receipt_id = receipt_key(
            header.merchant_id, header.location_id, header.account_id
        )
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
            if account.is_redemption(ref):
                done = card.redemptions.get(ref, [0, 0])[0]
                if done:
                    taken.append(
                        TakenPayment(
                            ref, card.id, card.masked_code, done, False, card.currency
                        )
                    )
                continue
            hold = card.holds.get(ref)
            if hold is None:
                continue
            # Expired: just now, or earlier by another command's lazy release.
            expired = ref in self.expired or (
                hold["status"] == RELEASED and hold.get("released_reason") == "expired"
            )
            if expired or hold["status"] == OPEN:
                holds.append(
                    OpenHold(
                        ref,
                        card.id,
                        card.masked_code,
                        hold["amount"],
                        expired,
                        card.currency,
                    )
                )
            elif hold["status"] == CAPTURED:
                taken.append(
                    TakenPayment(
                        ref,
                        card.id,
                        card.masked_code,
                        hold["captured"],
                        True,
                        card.currency,
                    )
                )
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
                out["line_id"], out["kind"], card.id, card.masked_code, out["ref"],
                done - undone,
            )  # fmt: skip
            lines.append(prior)
        return tuple(lines)

    def aggregates(self) -> list[Aggregate]:
        """Every card and pointer the commands touched."""
        return [*self.cards.values(), *self.pointers]

    def apply(self, command: Command) -> dict[str, Any]:
        """Run one command; a refusal becomes an exception outcome, changing nothing."""
        outcome: dict[str, Any] = {
            "line_id": command.line_id,
            "kind": command.kind,
            "masked_code": command.masked_code,
            "amount": command.amount,
            "currency": getattr(command, "currency", None),
            "hold_id": getattr(command, "hold_id", None),
            "card_id": None if isinstance(command, Unapplied) else str(command.card_id),
            "ref": None,
            "result": APPLIED,
            "code": None,
            "detail": None,
        }
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
        origin = self._origin(command)
        card = self.card(command.card_id)
        if card is None and isinstance(command, Sell):
            self.cards[command.card_id] = GiftCard.issue(
                command.card_id, self.header.merchant_id, command.masked_code,
                command.currency, command.amount, None, origin,
            )  # fmt: skip
            return "issue"
        if card is None:
            raise CardNotFound()
        if isinstance(command, Release):
            card.release(command.hold_id, self.now, origin, reason=command.reason)
            return command.hold_id
        card.check_currency(command.currency)
        if isinstance(command, Sell):
            load_id = str(uuid4())
            card.load(load_id, command.amount, self.now, origin)
            return load_id
        if isinstance(command, Capture):
            card.capture(command.hold_id, command.amount, self.now, origin)
            return command.hold_id
        if isinstance(command, Redeem):
            redemption_id = uuid4()
            card.redeem(str(redemption_id), command.amount, self.now, origin)
            self.pointers.append(
                Pointer.create(redemption_id, card.merchant_id, card.id, "redemption")
            )
            return str(redemption_id)
        if isinstance(command, Refund):
            refund_id = str(uuid4())
            card.refund(
                command.redemption_id, refund_id, command.amount, self.now, origin
            )
            return refund_id
        card.reverse_load(command.load_id, command.amount, self.now, origin)
        return command.load_id

    def _origin(self, command: Applicable) -> dict[str, Any]:
        header = self.header
        part = command.line_id or f"hold:{getattr(command, 'hold_id', '')}"
        key = f"rtn:{header.location_id}:{header.account_id}:{part}"
        origin = Origin(
            source="lightspeed_rtn",
            actor=header.actor,
            site_id=header.site_id,
            idempotency_key=key,
            receipt_id=str(self.receipt_id),
            occurred_at=self.now.isoformat(),
        )
        ref = getattr(command, "hold_id", None) or getattr(command, "load_id", None)
        return origin.with_fingerprint(
            command.kind, command.amount, getattr(command, "redemption_id", ref)
        ).as_event()
