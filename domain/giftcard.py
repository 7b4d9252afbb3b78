"""The GiftCard aggregate: every movement of a card's money is an event."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.errors import (
    CardNotActive,
    CurrencyMismatch,
    HoldAlreadyResolved,
    HoldNotFound,
    InsufficientFunds,
    InvalidRequest,
    RedemptionNotFound,
    RefundExceedsRedemption,
)
from domain.money import check_minor

from domain.giftcard_events import (
    ACTIVE,
    BLOCKED,
    EXPIRED,
    OPEN,
    VOIDED,
    GiftCardEvents,
    Origin,
)

CARD_NAMESPACE = uuid5(NAMESPACE_URL, "urn:giftledger:card")
ADJUSTMENT_REASONS = frozenset(
    {
        "complimentary",
        "support_issue",
        "transaction_voided",
        "suspicious_activity",
        "balance_accidentally_changed",
        "purchase_refunded",
        "other",
    }
)


def card_id(merchant_id: UUID, code: str) -> UUID:
    """The card's aggregate id: derived, so a look-up by code needs no index."""
    return uuid5(CARD_NAMESPACE, f"{merchant_id}/{code}")


def mask(code: str) -> str:
    """The printable form of a card code: only the last four characters."""
    return "****" + code[-4:]


class GiftCard(GiftCardEvents):
    """A merchant's gift card: balance, holds, redemptions and its state."""

    @classmethod
    def issue(
        cls, card_id: UUID, merchant_id: UUID, masked_code: str, currency: str,
        amount: int, expires_at: datetime | None, origin: Origin,
    ) -> GiftCard:  # fmt: skip
        """Sell or activate a new card with its first load."""
        check_minor(amount)
        return cls._create(
            cls.Issued, id=card_id, merchant_id=merchant_id, masked_code=masked_code,
            currency=currency, amount=amount, expires_at=expires_at, origin=origin,
        )  # fmt: skip

    # -- queries ----------------------------------------------------------

    def held(self, now: datetime | None = None) -> int:
        """Money reserved by open holds (unexpired ones only, given `now`)."""
        return sum(
            h["amount"]
            for h in self.holds.values()
            if h["status"] == OPEN and (now is None or h["expires_at"] > now)
        )

    def available(self, now: datetime | None = None) -> int:
        """What can be spent: balance less open holds."""
        return self.balance - self.held(now)

    def state(self, now: datetime | None = None) -> str:
        """The card's state, counting a passed expiry date as expired."""
        if self.status == ACTIVE and self._past_expiry(now):
            return EXPIRED
        return self.status

    def expired_holds(self, now: datetime) -> list[str]:
        """Ids of open holds whose time ran out."""
        return [
            hold_id
            for hold_id, h in self.holds.items()
            if h["status"] == OPEN and h["expires_at"] <= now
        ]

    def hold(self, hold_id: str) -> dict[str, Any]:
        """One hold by id."""
        try:
            return self.holds[hold_id]
        except KeyError:
            raise HoldNotFound("no hold with that id") from None

    def _past_expiry(self, now: datetime | None) -> bool:
        return bool(self.expires_at and now and now >= self.expires_at)

    # -- guards (commands call these before triggering events) -------------

    def check_currency(self, currency: str) -> None:
        """Refuse an amount in another currency than the card's."""
        if currency != self.currency:
            raise CurrencyMismatch(f"the card holds {self.currency}, not {currency}")

    def check_usable(self, now: datetime, *, spending: bool = True) -> None:
        """Refuse a command on a blocked, voided or (when spending) expired card."""
        state = self.state(now)
        if state == ACTIVE or (state == EXPIRED and not spending):
            return
        raise CardNotActive(f"the card is {state}")

    def check_funds(self, amount: int, now: datetime) -> None:
        """Refuse to take more than is available."""
        if amount > self.available(now):
            raise InsufficientFunds("the card's available balance is too low")

    # -- commands ----------------------------------------------------------

    def release_expired_holds(self, now: datetime, origin: Origin) -> None:
        """Write the release of every hold whose time ran out."""
        for hold_id in self.expired_holds(now):
            self._release(hold_id, self.holds[hold_id]["amount"], "expired", origin)

    def load(self, load_id: str, amount: int, now: datetime, origin: Origin) -> None:
        """Top the card up."""
        check_minor(amount)
        self.check_usable(now)
        self._loaded(load_id, amount, origin)

    def reverse_load(
        self, load_id: str, amount: int, now: datetime, origin: Origin
    ) -> None:
        """Take back (part of) a load whose sale was refunded."""
        check_minor(amount)
        self.check_usable(now, spending=False)
        if load_id not in self.loads:
            raise InvalidRequest("no such load on this card")
        loaded, reversed_ = self.loads[load_id]
        if amount > loaded - reversed_:
            raise RefundExceedsRedemption("the reversal exceeds what was loaded")
        self.check_funds(amount, now)
        self._load_reversed(load_id, amount, origin)

    def place_hold(
        self,
        hold_id: str,
        amount: int,
        expires_at: datetime,
        account_id: str | None,
        location_id: str | None,
        now: datetime,
        origin: Origin,
    ) -> None:
        """Reserve money for a sale that is still open."""
        check_minor(amount)
        self.check_usable(now)
        self.check_funds(amount, now)
        self._hold_placed(hold_id, amount, expires_at, account_id, location_id, origin)

    def capture(
        self, hold_id: str, amount: int | None, now: datetime, origin: Origin
    ) -> int:
        """Take (part of) a held amount; release the rest. Returns the capture."""
        hold = self.hold(hold_id)
        if hold["status"] != OPEN or hold["expires_at"] <= now:
            raise HoldAlreadyResolved(f"the hold is {self._hold_state(hold, now)}")
        self.check_usable(now)
        take = hold["amount"] if amount is None else check_minor(amount)
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
        if hold["status"] != OPEN or hold["expires_at"] <= now:
            raise HoldAlreadyResolved(f"the hold is {self._hold_state(hold, now)}")
        self._release(hold_id, hold["amount"], reason, origin)

    def redeem(
        self, redemption_id: str, amount: int, now: datetime, origin: Origin
    ) -> None:
        """Debit the card at once."""
        check_minor(amount)
        self.check_usable(now)
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
        errors: dict[str, list[str]] = {}
        if reason not in ADJUSTMENT_REASONS:
            errors["reason"] = [f"must be one of {sorted(ADJUSTMENT_REASONS)}"]
        elif reason == "other" and not note.strip():
            errors["note"] = ["a note is required when the reason is 'other'"]
        if errors:
            raise InvalidRequest("the adjustment is not valid", errors)
        self.check_usable(now, spending=False)
        if amount < 0:
            self.check_funds(-amount, now)
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
        """Close the card for good; its balance is forfeited."""
        if self.status in (BLOCKED, VOIDED):
            raise CardNotActive(f"the card is {self.status}")
        for hold_id, hold in list(self.holds.items()):
            if hold["status"] == OPEN:
                self._release(hold_id, hold["amount"], "cancelled", origin)
        self._voided(reason, self.balance, origin)

    def expire(self, now: datetime, origin: Origin) -> None:
        """Record that the card's expiry date has passed."""
        if not (self.status == ACTIVE and self._past_expiry(now)):
            raise CardNotActive("the card is not due to expire")
        self._expired(origin)

    def _hold_state(self, hold: dict[str, Any], now: datetime) -> str:
        if hold["status"] == OPEN:
            return "expired"
        return str(hold["status"])
