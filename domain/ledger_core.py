"""The ledger Application's plumbing: clock, retries and aggregate look-ups."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from domain.errors import (
    CardNotFound,
    IdempotencyKeyReused,
    MerchantNotFound,
    ServiceUnavailable,
)
from domain.giftcard import GiftCard, card_id
from domain.merchant import Merchant
from domain.origin import Origin, system_origin
from domain.views import Outcome

T = TypeVar("T")
MAX_ATTEMPTS = 30


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


class LedgerCore(Application[UUID]):
    """Shared machinery of the ledger's command and query API."""

    name = "giftledger"
    snapshotting_intervals = {GiftCard: 100}
    env = {"AGGREGATE_CACHE_MAXSIZE": "10000"}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(env)
        self.clock = clock

    def retrying(self, command: Callable[[], T]) -> T:
        """Run a command, reloading and retrying when another writer won the race."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                return command()
            except IntegrityError:
                # Optimistic concurrency: someone saved a newer version first.
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise ServiceUnavailable("the card is too busy right now; retry shortly")

    def get_aggregate(self, aggregate_id: UUID) -> Any:
        """An aggregate by id, or None when there is none."""
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def merchant(self, merchant_id: UUID) -> Merchant:
        """A merchant by id."""
        merchant = self.get_aggregate(merchant_id)
        if not isinstance(merchant, Merchant):
            raise MerchantNotFound("no merchant with that id")
        return merchant

    def card(self, merchant_id: UUID, code: str) -> GiftCard:
        """A card of the merchant by code; another merchant's card is not found."""
        return self.card_by_id(merchant_id, card_id(merchant_id, code))

    def card_by_id(self, merchant_id: UUID, card_uuid: UUID) -> GiftCard:
        """A card of the merchant by aggregate id."""
        card = self.get_aggregate(card_uuid)
        if not isinstance(card, GiftCard) or card.merchant_id != merchant_id:
            raise CardNotFound()
        return card

    def fresh_card(self, merchant_id: UUID, code: str, now: datetime) -> GiftCard:
        """A card with its expired holds released, ready for a command."""
        card = self.card(merchant_id, code)
        card.release_expired_holds(now, system_origin(now).as_event())
        return card

    def replay(self, card: GiftCard, origin: Origin, now: datetime) -> Outcome | None:
        """The first answer to a repeated idempotency key, or None if it is new."""
        key = origin.idempotency_key
        if not key or key not in card.applied:
            return None
        fingerprint, version, ref = card.applied[key]
        if fingerprint != origin.fingerprint:
            raise IdempotencyKeyReused(
                "this idempotency key was used with a different request"
            )
        then = self.repository.get(card.id, version=version)
        return Outcome(card=then, ref=ref, replayed=True, now=now)
