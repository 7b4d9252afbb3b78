"""Commands that name a hold or a redemption by its public id: capture, release,
refund. The id leads to the card through a Pointer saved with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID, uuid4

from domain.errors import HoldNotFound, RedemptionNotFound
from domain.giftcard import GiftCard
from domain.ledger_core import LedgerCore
from domain.money import check_minor
from domain.origin import Origin, system_origin
from domain.pointers import Pointer
from domain.views import Outcome


class HoldCommands(LedgerCore):
    """Capture or release a hold, refund a redemption or a captured hold."""

    def pointed_card_id(
        self, merchant_id: UUID, ref: str, kinds: set[str]
    ) -> UUID | None:
        """The card a hold or redemption id of this merchant belongs to, if any."""
        try:
            pointer = self.get_aggregate(UUID(ref))
        except ValueError:
            return None
        if not isinstance(pointer, Pointer) or pointer.merchant_id != merchant_id:
            return None
        return pointer.card_id if pointer.kind in kinds else None

    def _card_at(self, merchant_id: UUID, card_uuid: UUID) -> tuple[GiftCard, datetime]:
        """The card with its expired holds released, and the command's time."""
        now = self.clock()
        card = self.card_by_id(merchant_id, card_uuid)
        card.release_expired_holds(now, system_origin(now).as_event())
        return card, now

    def capture_hold(
        self, merchant_id: UUID, hold_id: str, amount: int | None, origin: Origin
    ) -> Outcome:
        """Take (part of) a held amount; the rest goes back to the card."""
        if amount is not None:
            check_minor(amount)
        origin = origin.with_fingerprint("capture", hold_id, amount)
        card_uuid = self.pointed_card_id(merchant_id, hold_id, {"hold"})
        if card_uuid is None:
            raise HoldNotFound("no hold with that id")

        def command() -> Outcome:
            card, now = self._card_at(merchant_id, card_uuid)
            replayed = self.replay(card, origin, now)
            if replayed:
                taken = replayed.card.holds[hold_id]["captured"]
                return replace(replayed, amount=taken)
            taken = card.capture(hold_id, amount, now, self.event_origin(origin, now))
            self.save(card)
            return Outcome(card, hold_id, False, now, taken)

        return self.retrying(command, key=card_uuid)

    def release_hold(self, merchant_id: UUID, hold_id: str, origin: Origin) -> Outcome:
        """Cancel a hold; its money is available again."""
        origin = origin.with_fingerprint("release", hold_id)
        card_uuid = self.pointed_card_id(merchant_id, hold_id, {"hold"})
        if card_uuid is None:
            raise HoldNotFound("no hold with that id")

        def command() -> Outcome:
            card, now = self._card_at(merchant_id, card_uuid)
            replayed = self.replay(card, origin, now)
            if replayed:
                return replayed
            card.release(hold_id, now, self.event_origin(origin, now))
            self.save(card)
            return Outcome(card, hold_id, False, now)

        return self.retrying(command, key=card_uuid)

    def refund(
        self, merchant_id: UUID, redemption_id: str, amount: int, origin: Origin
    ) -> Outcome:
        """Give back money a redemption (or a captured hold) took."""
        check_minor(amount)
        origin = origin.with_fingerprint("refund", redemption_id, amount)
        kinds = {"redemption", "hold"}
        card_uuid = self.pointed_card_id(merchant_id, redemption_id, kinds)
        if card_uuid is None:
            raise RedemptionNotFound("no redemption with that id")

        def command() -> Outcome:
            card, now = self._card_at(merchant_id, card_uuid)
            if redemption_id not in card.redemptions:  # a hold never captured
                raise RedemptionNotFound("no redemption with that id")
            replayed = self.replay(card, origin, now, amount)
            if replayed:
                return replayed
            refund_id = str(uuid4())
            event_origin = self.event_origin(origin, now)
            card.refund(redemption_id, refund_id, amount, now, event_origin)
            self.save(card)
            return Outcome(card, refund_id, False, now, amount)

        return self.retrying(command, key=card_uuid)
