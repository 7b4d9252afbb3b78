"""The ledger Application's plumbing: clock, retries and aggregate look-ups."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from threading import Lock
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import strtobool

from domain.errors import (
    CardNotFound,
    IdempotencyKeyReused,
    MerchantNotFound,
    ServiceUnavailable,
)
from domain.giftcard import GiftCard, card_id
from domain.merchant import Merchant
from domain.origin import Origin, system_origin
from domain.snapshots import BackgroundSnapshots
from domain.views import Outcome

T = TypeVar("T")
# Optimistic-concurrency retries: enough for dozens of writers on one card, and
# bounded so a pathological hot spot answers 503 instead of hanging.
MAX_ATTEMPTS = 30
BACKOFF_SECONDS = 0.002


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


class LockedRepository(Repository[UUID]):
    """The library's repository, copying a cached aggregate under a per-id lock.

    Repository.get fast-forwards the cached aggregate under a lock but deep-copies
    it after releasing that lock, so a thread can copy a card while another thread
    applies new events to it ("dictionary changed size during iteration").
    Serialising the whole get per aggregate id closes that window.
    """

    STRIPES = 64

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stripes = tuple(Lock() for _ in range(self.STRIPES))

    def get(
        self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any
    ) -> Any:
        """An aggregate, as Repository.get; cached reads are serialised per id."""
        if self.cache is None or version is not None:
            return super().get(aggregate_id, version=version, **kwargs)
        with self._stripes[hash(aggregate_id) % self.STRIPES]:
            return super().get(aggregate_id, **kwargs)


class LedgerCore(BackgroundSnapshots):
    """Shared machinery of the ledger's command and query API."""

    name = "giftledger"
    # Snapshots are written in the background (domain/snapshots.py); each costs
    # the card's whole state, so not too often: loading replays at most 500 events.
    snapshotting_intervals = {GiftCard: 500}
    env = {"AGGREGATE_CACHE_MAXSIZE": "10000"}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(env)
        self.clock = clock

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository settings, in the thread-safe subclass."""
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        flag = self.env.get
        return LockedRepository(
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(flag(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(
                flag(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")
            ),
            deepcopy_from_cache=strtobool(
                flag(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")
            ),
        )

    def retrying(self, command: Callable[[], T]) -> T:
        """Run a command, reloading and retrying when another writer won the race."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                return command()
            except IntegrityError:
                # Optimistic concurrency: someone saved a newer version first.
                # Jittered, growing backoff spreads the losers of one race apart.
                time.sleep(random.uniform(0, BACKOFF_SECONDS * (attempt + 1)))
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

    def replay(
        self, card: GiftCard, origin: Origin, now: datetime, amount: int | None = None
    ) -> Outcome | None:
        """The first answer to a repeated idempotency key, or None if it is new.

        Keys are scoped to the card: the same key on another card is a new command.
        `amount` is the amount the first answer reported (the request's own).
        """
        key = origin.idempotency_key
        if not key or key not in card.applied:
            return None
        fingerprint, version, ref = card.applied[key]
        if fingerprint != origin.fingerprint:
            raise IdempotencyKeyReused(
                "this idempotency key was used with a different request"
            )
        then: GiftCard = self.repository.get(card.id, version=version)
        return Outcome(card=then, ref=ref, replayed=True, now=now, amount=amount)

    @staticmethod
    def event_origin(origin: Origin, now: datetime, **extra: Any) -> dict[str, Any]:
        """The origin as stored on events, stamped with the command's time."""
        stamped = replace(origin, occurred_at=origin.occurred_at or now.isoformat())
        return {**stamped.as_event(), **extra}
