"""Card commands of the ledger: issue, load, hold, capture, redeem, refund.

Each command checks its arguments before it looks the card up (DESIGN section 5:
validation, then existence, then state, then funds), so a well-formed command for
an unknown card is always CardNotFound.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.accounts import PosAccount, account_key
from domain.card_codes import card_id, mask
from domain.errors import (
    CardCodeTaken,
    InvalidRequest,
)
from domain.giftcard import GiftCard
from domain.giftcard_rules import check_aware
from domain.hold_commands import HoldCommands
from domain.money import check_minor, exponent
from domain.origin import Origin
from domain.pointers import Pointer
from domain.views import Outcome

BORN_EXPIRED = {"expires_at": ["must be in the future"]}


class CardCommands(HoldCommands):
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
            self.merchant(merchant_id, copy=False)
            existing = self.get_aggregate(card_id(merchant_id, code))
            if isinstance(existing, GiftCard):
                replayed = self.replay(existing, origin, now, amount)
                if replayed is None:
                    raise CardCodeTaken("a card with that code already exists")
                return replayed
            if expires_at is not None and expires_at <= now:
                raise InvalidRequest("the card would be born expired", BORN_EXPIRED)
            card = GiftCard.issue(
                card_id(merchant_id, code), merchant_id, mask(code), currency,
                amount, expires_at, self.event_origin(origin, now),
            )  # fmt: skip
            self.save(card)
            return Outcome(card, "issue", False, now, amount)

        return self.retrying(
            command, key=card_id(merchant_id, code), touches=(merchant_id,)
        )

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

        return self.retrying(
            command, key=card_id(merchant_id, code), touches=(merchant_id,)
        )

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
            merchant = self.merchant(merchant_id, copy=False)
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

        account_uuid = account_key(merchant_id, location_id, account_id)
        return self.retrying(
            command, key=card_id(merchant_id, code), touches=(merchant_id, account_uuid)
        )

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
            site_id = self.merchant(merchant_id, copy=False).site_for_location(
                location_id
            )
            redemption_id = uuid4()
            event_origin = self.event_origin(origin, now, site_id=site_id)
            card.redeem(str(redemption_id), amount, now, event_origin)
            pointer = Pointer.create(redemption_id, merchant_id, card.id, "redemption")
            account = None
            if account_id:
                # Indexed for the account's RTN CLOSE, so it never takes this twice.
                account = self.get_aggregate(
                    account_key(merchant_id, location_id, account_id)
                ) or PosAccount.open(merchant_id, location_id, account_id)
                account.add_redemption(str(redemption_id), card.id, amount)
            self.save(card, pointer, account)
            return Outcome(card, str(redemption_id), False, now, amount)

        touches = [merchant_id]
        if account_id:
            touches.append(account_key(merchant_id, location_id, account_id))
        return self.retrying(command, key=card_id(merchant_id, code), touches=touches)
