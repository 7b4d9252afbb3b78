"""Card commands of the ledger: issue, load, hold, capture, redeem, refund.

Each command checks its arguments before it looks the card up (DESIGN section 5:
validation, then existence, then state, then funds), so a well-formed command for
an unknown card is always CardNotFound.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.accounts import PosAccount, account_key
from domain.errors import (
    CardCodeTaken,
    HoldNotFound,
    InvalidRequest,
    RedemptionNotFound,
)
from domain.giftcard import GiftCard, card_id, mask
from domain.giftcard_rules import check_aware
from domain.ledger_core import LedgerCore
from domain.money import check_minor, exponent
from domain.origin import Origin, system_origin
from domain.pointers import Pointer
from domain.views import Outcome


class CardCommands(LedgerCore):
    """Commands that move a card's money; each is one atomic save."""

    def issue_card(
        self, merchant_id: UUID, code: str, amount: int, currency: str,
        expires_at: datetime | None, origin: Origin,
    ) -> Outcome:  # fmt: skip
        """Sell a new card with its first balance."""
        if not isinstance(code, str) or not code.strip():
            raise InvalidRequest("a card needs a code", {"code": ["required"]})
        check_minor(amount)
        exponent(currency)
        check_aware(expires_at, "expires_at")
        origin = origin.with_fingerprint("issue", amount, currency, expires_at)

        def command() -> Outcome:
            now = self.clock()
            self.merchant(merchant_id)
            existing = self.get_aggregate(card_id(merchant_id, code))
            if isinstance(existing, GiftCard):
                replayed = self.replay(existing, origin, now, amount)
                if replayed is None:
                    raise CardCodeTaken("a card with that code already exists")
                return replayed
            card = GiftCard.issue(
                card_id(merchant_id, code), merchant_id, mask(code), currency,
                amount, expires_at, self.event_origin(origin, now),
            )  # fmt: skip
            self.save(card)
            return Outcome(card, "issue", False, now, amount)

        return self.retrying(command)

    def load_card(
        self, merchant_id: UUID, code: str, amount: int, currency: str,
        origin: Origin, load_id: str | None = None,
    ) -> Outcome:  # fmt: skip
        """Top a card up."""
        check_minor(amount)
        exponent(currency)
        origin = origin.with_fingerprint("load", amount, currency)

        def command() -> Outcome:
            now = self.clock()
            card = self.fresh_card(merchant_id, code, now)
            replayed = self.replay(card, origin, now, amount)
            if replayed:
                return replayed
            card.check_currency(currency)
            ref = load_id or str(uuid4())
            card.load(ref, amount, now, self.event_origin(origin, now))
            self.save(card)
            return Outcome(card, ref, False, now, amount)

        return self.retrying(command)

    def place_hold(
        self, merchant_id: UUID, code: str, amount: int, currency: str,
        location_id: str, account_id: str, origin: Origin,
    ) -> Outcome:  # fmt: skip
        """Reserve money for an open sale; the hold expires after the merchant's TTL."""
        check_minor(amount)
        exponent(currency)
        origin = origin.with_fingerprint(
            "hold", amount, currency, location_id, account_id
        )

        def command() -> Outcome:
            now = self.clock()
            card = self.fresh_card(merchant_id, code, now)
            replayed = self.replay(card, origin, now, amount)
            if replayed:
                return replayed
            card.check_currency(currency)
            merchant = self.merchant(merchant_id)
            card.check_usable(now)
            site_id = merchant.site_for_location(location_id)
            ttl = timedelta(seconds=merchant.lightspeed["hold_ttl_seconds"])
            hold_id = uuid4()
            event_origin = self.event_origin(origin, now, site_id=site_id)
            card.place_hold(
                str(hold_id), amount, now + ttl, account_id, location_id, now,
                event_origin,
            )  # fmt: skip
            account = self.get_aggregate(
                account_key(merchant_id, location_id, account_id)
            ) or PosAccount.open(merchant_id, location_id, account_id)
            account.add_hold(str(hold_id), card.id, amount)
            pointer = Pointer.create(hold_id, merchant_id, card.id, "hold")
            self.save(card, pointer, account)
            return Outcome(card, str(hold_id), False, now, amount)

        return self.retrying(command)

    def _pointed_card(
        self, merchant_id: UUID, ref: str, kinds: set[str], now: datetime
    ) -> GiftCard | None:
        try:
            pointer = self.get_aggregate(UUID(ref))
        except ValueError:
            return None
        if not isinstance(pointer, Pointer) or pointer.merchant_id != merchant_id:
            return None
        if pointer.kind not in kinds:
            return None
        card = self.card_by_id(merchant_id, pointer.card_id)
        card.release_expired_holds(now, system_origin(now).as_event())
        return card

    def capture_hold(
        self, merchant_id: UUID, hold_id: str, amount: int | None, origin: Origin
    ) -> Outcome:
        """Take (part of) a held amount; the rest goes back to the card."""
        if amount is not None:
            check_minor(amount)
        origin = origin.with_fingerprint("capture", hold_id, amount)

        def command() -> Outcome:
            now = self.clock()
            card = self._pointed_card(merchant_id, hold_id, {"hold"}, now)
            if card is None:
                raise HoldNotFound("no hold with that id")
            replayed = self.replay(card, origin, now)
            if replayed:
                return replace(
                    replayed, amount=replayed.card.holds[hold_id]["captured"]
                )
            taken = card.capture(hold_id, amount, now, self.event_origin(origin, now))
            self.save(card)
            return Outcome(card, hold_id, False, now, taken)

        return self.retrying(command)

    def release_hold(self, merchant_id: UUID, hold_id: str, origin: Origin) -> Outcome:
        """Cancel a hold; its money is available again."""
        origin = origin.with_fingerprint("release", hold_id)

        def command() -> Outcome:
            now = self.clock()
            card = self._pointed_card(merchant_id, hold_id, {"hold"}, now)
            if card is None:
                raise HoldNotFound("no hold with that id")
            replayed = self.replay(card, origin, now)
            if replayed:
                return replayed
            card.release(hold_id, now, self.event_origin(origin, now))
            self.save(card)
            return Outcome(card, hold_id, False, now)

        return self.retrying(command)

    def redeem(
        self, merchant_id: UUID, code: str, amount: int, currency: str,
        location_id: str, account_id: str | None, origin: Origin,
    ) -> Outcome:  # fmt: skip
        """Debit a card at once."""
        check_minor(amount)
        exponent(currency)
        origin = origin.with_fingerprint(
            "redeem", amount, currency, location_id, account_id
        )

        def command() -> Outcome:
            now = self.clock()
            card = self.fresh_card(merchant_id, code, now)
            replayed = self.replay(card, origin, now, amount)
            if replayed:
                return replayed
            card.check_currency(currency)
            card.check_usable(now)
            site_id = self.merchant(merchant_id).site_for_location(location_id)
            redemption_id = uuid4()
            event_origin = self.event_origin(origin, now, site_id=site_id)
            card.redeem(str(redemption_id), amount, now, event_origin)
            pointer = Pointer.create(redemption_id, merchant_id, card.id, "redemption")
            self.save(card, pointer)
            return Outcome(card, str(redemption_id), False, now, amount)

        return self.retrying(command)

    def refund(
        self, merchant_id: UUID, redemption_id: str, amount: int, origin: Origin
    ) -> Outcome:
        """Give back money a redemption (or a captured hold) took."""
        check_minor(amount)
        origin = origin.with_fingerprint("refund", redemption_id, amount)

        def command() -> Outcome:
            now = self.clock()
            kinds = {"redemption", "hold"}
            card = self._pointed_card(merchant_id, redemption_id, kinds, now)
            if card is None or redemption_id not in card.redemptions:
                raise RedemptionNotFound("no redemption with that id")
            replayed = self.replay(card, origin, now, amount)
            if replayed:
                return replayed
            refund_id = str(uuid4())
            event_origin = self.event_origin(origin, now)
            card.refund(redemption_id, refund_id, amount, now, event_origin)
            self.save(card)
            return Outcome(card, refund_id, False, now, amount)

        return self.retrying(command)
