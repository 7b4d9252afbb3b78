"""The GiftCard aggregate: every movement of a card's money is an event."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.card_rules import ADJUSTMENT_REASONS as ADJUSTMENT_REASONS
from domain.card_rules import check_adjustment, check_aware, check_new_ref, check_open
from domain.errors import (
    CardNotActive,
    CurrencyMismatch,
    InsufficientFunds,
    InvalidAmount,
    InvalidRequest,
    RedemptionNotFound,
    RefundExceedsRedemption,
)
from domain.giftcard_events import GiftCardEvents, Origin
from domain.money import MAX_MINOR_UNITS, check_minor, exponent
from domain.states import ACTIVE, BLOCKED, EXPIRED, OPEN, VOIDED


class GiftCard(GiftCardEvents):
    """A merchant's gift card: each command checks its guards, then writes events."""

    @classmethod
    def issue(
        cls, card_id: UUID, merchant_id: UUID, masked_code: str, currency: str,
        amount: int, expires_at: datetime | None, origin: Origin,
    ) -> GiftCard:  # fmt: skip
        """Sell or activate a new card with its first load."""
        check_minor(amount)
        exponent(currency)
        check_aware(expires_at, "expires_at")
        return cls._create(
            cls.Issued,  # type: ignore[attr-defined]  # made by @event
            id=card_id, merchant_id=merchant_id, masked_code=masked_code,
            currency=currency, amount=amount, expires_at=expires_at, origin=origin,
        )  # fmt: skip

    def release_expired_holds(self, now: datetime, origin: Origin) -> None:
        """Write the release of every hold whose time ran out (lazy expiry)."""
        if self.status in (BLOCKED, VOIDED):
            return  # nothing is written on a blocked or voided card
        for hold_id in self.expired_holds(now):
            self._release(hold_id, self.holds[hold_id]["amount"], "expired", origin)

    def load(self, load_id: str, amount: int, now: datetime, origin: Origin) -> None:
        """Top the card up."""
        check_minor(amount)
        self.check_usable(now)
        check_new_ref(load_id, self.loads)
        self.check_ceiling(amount)
        self._loaded(load_id, amount, origin)

    def reverse_load(
        self, load_id: str, amount: int, now: datetime, origin: Origin
    ) -> None:
        """Take back (part of) a load whose sale was refunded."""
        check_minor(amount)
        self.check_usable(now, spending=False)
        if load_id not in self.loads:
            raise InvalidRequest("no such load on this card", {"load_id": ["unknown"]})
        loaded, reversed_ = self.loads[load_id]
        if amount > loaded - reversed_:
            raise RefundExceedsRedemption("the reversal exceeds what was loaded")
        self.check_funds(amount, now)
        self._load_reversed(load_id, amount, origin)

    def place_hold(
        self, hold_id: str, amount: int, expires_at: datetime,
        account_id: str | None, location_id: str | None, now: datetime,
        origin: Origin,
    ) -> None:  # fmt: skip
        """Reserve money for a sale that is still open."""
        check_minor(amount)
        check_aware(expires_at, "expires_at")
        if expires_at <= now:
            raise InvalidRequest("a hold must expire in the future")
        self.check_usable(now)
        check_new_ref(hold_id, self.holds, self.redemptions)
        self.check_funds(amount, now)
        self._hold_placed(hold_id, amount, expires_at, account_id, location_id, origin)

    def capture(
        self, hold_id: str, amount: int | None, now: datetime, origin: Origin
    ) -> int:
        """Take (part of) a held amount; release the rest. Returns the capture.

        An open hold is honoured even if the card's expiry date passed meanwhile:
        the money was reserved while the card was valid.
        """
        take = None if amount is None else check_minor(amount)
        hold = self.hold(hold_id)
        self.check_usable(now, spending=False)
        check_open(hold, now)
        take = hold["amount"] if take is None else take
        if take > hold["amount"]:
            raise InsufficientFunds("the capture exceeds the held amount")
        self._hold_captured(hold_id, take, origin)
        if take < hold["amount"]:
            self._release(hold_id, hold["amount"] - take, "remainder", origin)
        return take

    def release(
        self, hold_id: str, now: datetime, origin: Origin, reason: str = "cancelled"
    ) -> None:
        """Give held money back to the available balance."""
        hold = self.hold(hold_id)
        self.check_usable(now, spending=False)
        check_open(hold, now)
        self._release(hold_id, hold["amount"], reason, origin)

    def redeem(
        self, redemption_id: str, amount: int, now: datetime, origin: Origin
    ) -> None:
        """Debit the card at once."""
        check_minor(amount)
        self.check_usable(now)
        check_new_ref(redemption_id, self.redemptions, self.holds)
        self.check_funds(amount, now)
        self._redeemed(redemption_id, amount, origin)

    def refund(
        self, redemption_id: str, refund_id: str, amount: int, now: datetime,
        origin: Origin,
    ) -> None:  # fmt: skip
        """Return money a redemption (or a captured hold) took."""
        check_minor(amount)
        if redemption_id not in self.redemptions:
            raise RedemptionNotFound("no redemption with that id")
        self.check_usable(now, spending=False)
        taken, refunded = self.redemptions[redemption_id]
        if amount > taken - refunded:
            raise RefundExceedsRedemption("the refund exceeds what is left to refund")
        self._refunded(redemption_id, refund_id, amount, origin)

    def adjust(
        self, adjustment_id: str, amount: int, reason: str, note: str,
        now: datetime, origin: Origin,
    ) -> None:  # fmt: skip
        """Correct the balance by a signed amount, with a reason code."""
        check_minor(amount, allow_negative=True)
        check_adjustment(reason, note)
        self.check_usable(now, spending=False)
        if amount < 0:
            self.check_funds(-amount, now)
        else:
            self.check_ceiling(amount)
        direction = "credit" if amount > 0 else "debit"
        self._adjusted(adjustment_id, abs(amount), direction, reason, note, origin)

    def block(self, reason: str, now: datetime, origin: Origin) -> None:
        """Freeze the card; only unblocking is allowed while blocked."""
        self.check_usable(now, spending=False)
        self._blocked(reason, origin)

    def unblock(self, reason: str, now: datetime, origin: Origin) -> None:
        """Lift a block."""
        if self.status != BLOCKED:
            raise CardNotActive(f"the card is {self.state(now)}, not blocked")
        self._unblocked(reason, origin)

    def void(self, reason: str, now: datetime, origin: Origin) -> None:
        """Close the card for good: open holds are released, the balance forfeited."""
        if self.status in (BLOCKED, VOIDED):
            raise CardNotActive(f"the card is {self.status}")
        for hold_id, hold in list(self.holds.items()):
            if hold["status"] == OPEN:
                self._release(hold_id, hold["amount"], "cancelled", origin)
        self._voided(reason, self.balance, origin)

    def expire(self, now: datetime, origin: Origin) -> None:
        """Record that the card's expiry date has passed."""
        if not (self.status == ACTIVE and self.state(now) == EXPIRED):
            raise CardNotActive("the card is not due to expire")
        self._expired(origin)

    # Guards: commands call these before they trigger an event.
    def check_currency(self, currency: str) -> None:
        """Refuse an amount in another currency than the card's."""
        if currency != self.currency:
            raise CurrencyMismatch(f"the card holds {self.currency}, not {currency}")

    def check_usable(self, now: datetime, *, spending: bool = True) -> None:
        """Refuse a command on a blocked, voided or (when spending) expired card."""
        state = self.state(now)
        if not (state == ACTIVE or (state == EXPIRED and not spending)):
            raise CardNotActive(f"the card is {state}")

    def check_funds(self, amount: int, now: datetime) -> None:
        """Refuse to take more than is available."""
        if amount > self.available(now):
            raise InsufficientFunds("the card's available balance is too low")

    def check_ceiling(self, amount: int) -> None:
        """Refuse a credit that would take the balance past what a BIGINT sums."""
        if self.balance + amount > MAX_MINOR_UNITS:
            raise InvalidAmount(f"a balance is at most {MAX_MINOR_UNITS} minor units")
