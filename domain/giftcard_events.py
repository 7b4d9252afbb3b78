"""The GiftCard events (a stored schema) and how each one changes a card's state.

Stored topics: `domain.giftcard:GiftCard.Issued` for the created event and
`domain.giftcard_events:GiftCardEvents.<Name>` for every other (tests/unit/
test_event_schema.py pins them). Never rename or move a class, a module or an
event argument without registering the old topic (eventsourcing.utils.
register_topic); evolve an event with `class_version` and `upcast_vN_vN+1`, and
the state kept in snapshots with GiftCard.class_version. No rule is checked here,
so old events always replay.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.copying import Sealable, fork_layers

ACTIVE, BLOCKED, VOIDED, EXPIRED = "active", "blocked", "voided", "expired"
ISSUE_LOAD = "issue"
# Maps whose entries are replaced, never changed in place (see __deepcopy__).
COPY_ON_WRITE = ("holds", "redemptions", "loads", "applied")
OPEN, CAPTURED, RELEASED = "open", "captured", "released"
Origin = dict[str, Any]


class GiftCardEvents(Sealable, Aggregate):
    """The state of a card as its events build it."""

    def __deepcopy__(self, memo: dict[int, Any]) -> GiftCardEvents:
        """A copy for one command, in time that does not grow with the history.

        The repository copies the cached card for every command; a generic deep
        copy of a card with 10,000 events took 80 ms, and even copying its maps
        (dict(...)) 0.5 ms. The mutators below replace the entries of the
        COPY_ON_WRITE maps instead of changing them, so the copy and the cached
        card can share those maps' frozen layers (domain/copying.fork_layers: at
        run time they are ChainMaps; read them as Mappings). Anything else
        mutable is deep-copied as usual.
        """
        clone = object.__new__(type(self))
        clone._sealed = False
        memo[id(self)] = clone
        for name, value in list(self.__dict__.items()):
            if name in COPY_ON_WRITE:
                self.__dict__[name], value = fork_layers(value)
            elif isinstance(value, dict | list | set):
                value = deepcopy(value, memo)
            clone.__dict__[name] = value
        return clone

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
