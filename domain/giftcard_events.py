"""The GiftCard events (a stored schema) and what the state they build answers.

Stored topics are pinned (tests/unit/test_event_schema.py): never rename or move a
class, module or event argument without registering the old topic (eventsourcing's
register_topic); evolve an event with `class_version` and an upcaster. No rule is
checked in a mutator, so old events always replay."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import HoldNotFound
from domain.states import ACTIVE, BLOCKED, CAPTURED, EXPIRED, OPEN, RELEASED, VOIDED

ISSUE_LOAD = "issue"
Origin = dict[str, Any]


class GiftCardEvents(Aggregate):
    """The state of a card as its events build it, and what that state answers.

    Events replace an entry of holds, redemptions, loads or applied (a new dict or
    list), never change one in place: the store's copies share those maps.
    """

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
        if self.status == ACTIVE and self.expires_at and now and now >= self.expires_at:
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

    @event("Issued")
    def __init__(
        self,
        merchant_id: UUID,
        masked_code: str,
        currency: str,
        amount: int,
        expires_at: datetime | None,
        origin: Origin,
    ) -> None:
        self.merchant_id = merchant_id
        self.masked_code = masked_code
        self.currency = currency
        self.balance = amount
        self.expires_at = expires_at
        self.status = ACTIVE
        self.holds: dict[str, dict[str, Any]] = {}
        self.redemptions: dict[str, list[int]] = {}
        self.loads: dict[str, list[int]] = {ISSUE_LOAD: [amount, 0]}
        self.applied: dict[str, list[Any]] = {}
        self._remember(origin, ISSUE_LOAD, 1)

    def _remember(self, origin: Origin, ref: str, version: int | None = None) -> None:
        """Keep the idempotency key with its fingerprint and the resulting version."""
        key = origin.get("idempotency_key")
        if not key:
            return
        # Runs before the library bumps the version, so this event is version + 1.
        version = version if version is not None else self.version + 1
        entry = self.applied.get(key)
        if entry is None:
            self.applied[key] = [origin.get("fingerprint"), version, ref]
        elif entry[0] == origin.get("fingerprint"):
            # A command of several events (capture and remainder, releases and
            # void): its answer is the state after the last, and the last's ref.
            self.applied[key] = [entry[0], version, ref]

    @event("Loaded")
    def _loaded(self, load_id: str, amount: int, origin: Origin) -> None:
        self.balance += amount
        self.loads[load_id] = [amount, 0]
        self._remember(origin, load_id)

    @event("LoadReversed")
    def _load_reversed(self, load_id: str, amount: int, origin: Origin) -> None:
        self.balance -= amount
        loaded, reversed_ = self.loads[load_id]
        self.loads[load_id] = [loaded, reversed_ + amount]
        self._remember(origin, load_id)

    @event("HoldPlaced")
    def _hold_placed(
        self,
        hold_id: str,
        amount: int,
        expires_at: datetime,
        account_id: str | None,
        location_id: str | None,
        origin: Origin,
    ) -> None:
        self.holds[hold_id] = {
            "amount": amount,
            "expires_at": expires_at,
            "account_id": account_id,
            "location_id": location_id,
            "status": OPEN,
            "captured": 0,
        }
        self._remember(origin, hold_id)

    @event("HoldCaptured")
    def _hold_captured(self, hold_id: str, amount: int, origin: Origin) -> None:
        hold = self.holds[hold_id]
        self.holds[hold_id] = {**hold, "status": CAPTURED, "captured": amount}
        self.balance -= amount
        # A captured hold is refundable like a redemption, under the hold's id.
        self.redemptions[hold_id] = [amount, 0]
        self._remember(origin, hold_id)

    @event("HoldReleased")
    def _release(self, hold_id: str, amount: int, reason: str, origin: Origin) -> None:
        hold = self.holds[hold_id]
        status = RELEASED if hold["status"] == OPEN else hold["status"]
        self.holds[hold_id] = {**hold, "status": status, "released_reason": reason}
        self._remember(origin, hold_id)

    @event("Redeemed")
    def _redeemed(self, redemption_id: str, amount: int, origin: Origin) -> None:
        self.balance -= amount
        self.redemptions[redemption_id] = [amount, 0]
        self._remember(origin, redemption_id)

    @event("RedemptionRefunded")
    def _refunded(
        self, redemption_id: str, refund_id: str, amount: int, origin: Origin
    ) -> None:
        self.balance += amount
        taken, refunded = self.redemptions[redemption_id]
        self.redemptions[redemption_id] = [taken, refunded + amount]
        self._remember(origin, refund_id)

    @event("Adjusted")
    def _adjusted(
        self,
        adjustment_id: str,
        amount: int,
        direction: str,
        reason: str,
        note: str,
        origin: Origin,
    ) -> None:
        self.balance += amount if direction == "credit" else -amount
        self._remember(origin, adjustment_id)

    @event("Blocked")
    def _blocked(self, reason: str, origin: Origin) -> None:
        self.status = BLOCKED
        self._remember(origin, "block")

    @event("Unblocked")
    def _unblocked(self, reason: str, origin: Origin) -> None:
        self.status = ACTIVE
        self._remember(origin, "unblock")

    @event("Voided")
    def _voided(self, reason: str, forfeited: int, origin: Origin) -> None:
        self.status = VOIDED
        self.balance -= forfeited
        self._remember(origin, "void")

    @event("Expired")
    def _expired(self, origin: Origin) -> None:
        self.status = EXPIRED
        self._remember(origin, "expire")
