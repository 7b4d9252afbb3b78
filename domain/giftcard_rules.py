"""What a card's state answers (balances, holds) and the guards its commands use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import (
    CardNotActive,
    CurrencyMismatch,
    HoldAlreadyResolved,
    HoldNotFound,
    InsufficientFunds,
    InvalidAmount,
    InvalidRequest,
)
from domain.giftcard_events import ACTIVE, EXPIRED, OPEN, GiftCardEvents
from domain.money import MAX_MINOR_UNITS
from domain.time_bounds import in_range, out_of_range


def check_aware(when: datetime | None, field: str) -> None:
    """Refuse a naive datetime (it would crash a comparison) or one out of range."""
    if when is not None and (
        not isinstance(when, datetime) or when.utcoffset() is None
    ):
        raise InvalidRequest(
            f"{field} must be a timezone-aware datetime",
            {field: ["must be a date-time with a timezone"]},
        )
    if when is not None and not in_range(when):
        raise InvalidRequest(f"{field} is out of range", out_of_range(field))


class GiftCardRules(GiftCardEvents):
    """Queries and guards over the state the events build; they write nothing."""

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

    def check_ceiling(self, amount: int) -> None:
        """Refuse a credit that would take the balance past what a BIGINT sums."""
        if self.balance + amount > MAX_MINOR_UNITS:
            raise InvalidAmount(f"a balance is at most {MAX_MINOR_UNITS} minor units")

    def _check_new_ref(self, ref: str, *books: dict[str, Any]) -> None:
        # Ids may come from callers (receipt lines); one must never overwrite another.
        if any(ref in book for book in books):
            raise InvalidRequest(f"{ref!r} is already used on this card")

    def _check_open(self, hold: dict[str, Any], now: datetime) -> None:
        if hold["status"] != OPEN or hold["expires_at"] <= now:
            raise HoldAlreadyResolved(f"the hold is {hold_state(hold, now)}")


def hold_state(hold: dict[str, Any], now: datetime) -> str:
    """open, captured, released or expired (a lapsed hold, written or not yet)."""
    if hold["status"] == OPEN:
        return "expired" if hold["expires_at"] <= now else OPEN
    if hold.get("released_reason") == "expired":
        return "expired"
    return str(hold["status"])
