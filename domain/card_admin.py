"""Support commands on cards: adjustments, blocks, voids, expiry, load reversals."""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.card_codes import card_id
from domain.giftcard import check_adjustment
from domain.ledger_core import LedgerCore
from domain.money import check_minor
from domain.origin import Origin
from domain.views import Outcome

ACTIONS = frozenset({"block", "unblock", "void", "expire"})


class CardAdminCommands(LedgerCore):
    """Commands staff and the system run on a card."""

    def adjust(
        self, merchant_id: UUID, code: str, amount: int, reason: str, note: str,
        origin: Origin,
    ) -> Outcome:  # fmt: skip
        """Correct a balance by a signed amount with a reason code."""
        check_minor(amount, allow_negative=True)
        check_adjustment(reason, note)
        origin = origin.with_fingerprint("adjust", amount, reason, note)

        def command() -> Outcome:
            now = self.clock()
            card = self.fresh_card(merchant_id, code, now)
            replayed = self.replay(card, origin, now, amount)
            if replayed:
                return replayed
            adjustment_id = str(uuid4())
            event_origin = self.event_origin(origin, now)
            card.adjust(adjustment_id, amount, reason, note, now, event_origin)
            self.save(card)
            return Outcome(card, adjustment_id, False, now, amount)

        return self.retrying(
            command, key=card_id(merchant_id, code), touches=(merchant_id,)
        )

    def reverse_load(
        self, merchant_id: UUID, code: str, load_id: str, amount: int, origin: Origin
    ) -> Outcome:
        """Take back a load whose gift-card sale was refunded."""
        check_minor(amount)
        origin = origin.with_fingerprint("reverse_load", load_id, amount)

        def command() -> Outcome:
            now = self.clock()
            card = self.fresh_card(merchant_id, code, now)
            replayed = self.replay(card, origin, now, amount)
            if replayed:
                return replayed
            card.reverse_load(load_id, amount, now, self.event_origin(origin, now))
            self.save(card)
            return Outcome(card, load_id, False, now, amount)

        return self.retrying(
            command, key=card_id(merchant_id, code), touches=(merchant_id,)
        )

    def change_state(
        self, merchant_id: UUID, code: str, action: str, reason: str, origin: Origin
    ) -> Outcome:
        """Block, unblock, void or expire a card."""
        if action not in ACTIONS:
            raise ValueError(f"unknown card action {action!r}")
        origin = origin.with_fingerprint(action, reason)

        def command() -> Outcome:
            now = self.clock()
            card = self.fresh_card(merchant_id, code, now)
            replayed = self.replay(card, origin, now)
            if replayed:
                return replayed
            event_origin = self.event_origin(origin, now)
            if action == "block":
                card.block(reason, now, event_origin)
            elif action == "unblock":
                card.unblock(reason, now, event_origin)
            elif action == "void":
                card.void(reason, now, event_origin)
            else:
                card.expire(now, event_origin)
            self.save(card)
            return Outcome(card, action, False, now)

        return self.retrying(
            command, key=card_id(merchant_id, code), touches=(merchant_id,)
        )
