"""The ledger Application's plumbing: clock, retries and aggregate look-ups."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.card_codes import card_id
from domain.errors import (
    CardNotFound,
    IdempotencyKeyReused,
    MerchantNotFound,
    ServiceUnavailable,
)
from domain.giftcard import GiftCard
from domain.merchant import Merchant
from domain.origin import Origin, system_origin
from domain.repository import FRESH, KeyedLocks, Scope
from domain.scoped_store import ScopedStore
from domain.views import Outcome

T = TypeVar("T")
# Optimistic-concurrency retries between processes (threads of one process queue
# on a per-card lock instead): bounded, so a pathological hot spot answers 503
# instead of hanging. The backoff doubles from 2 ms up to 50 ms, jittered.
MAX_ATTEMPTS = 50
BACKOFF_SECONDS = 0.002
MAX_BACKOFF_SECONDS = 0.05


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


class LedgerCore(ScopedStore):
    """Shared machinery of the ledger's command and query API."""

    name = "giftledger"
    # Snapshots are written in the background (domain/snapshots.py), but each one
    # still encodes the card's whole state (1.8 MB at 10,000 events): rarely, then.
    # A worker loads a card once (then caches it): snapshot + at most 2,000 events.
    snapshotting_intervals = {GiftCard: 2000}
    env = {"AGGREGATE_CACHE_MAXSIZE": "10000"}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self.command_locks = KeyedLocks()

    def retrying(
        self,
        command: Callable[[], T],
        key: Hashable | None = None,
        touches: Iterable[UUID] = (),
    ) -> T:
        """Run a command, reloading and retrying when another writer won the race.

        With a `key` (the card's id) commands on one card take turns within this
        process, so only writers in other processes can win a race against it.
        Never nest keyed commands: two threads could then take locks crosswise.
        The aggregates it `touches` (and a UUID key) are fast-forwarded together,
        in one query, before each attempt.
        """
        wanted = {*touches, *([key] if isinstance(key, UUID) else [])}
        with self.command_locks(key):
            for attempt in range(MAX_ATTEMPTS):
                outer = FRESH.get()
                scope: Scope = {} if outer is None else outer
                if attempt:
                    scope.clear()  # a retry lost a race: what was read is stale
                missing = [i for i in wanted if i not in scope]
                if missing:
                    scope.update(self.cached.refresh(missing))
                token = FRESH.set(scope)
                try:
                    return command()
                except IntegrityError:
                    # Optimistic concurrency: someone saved a newer version first.
                    ceiling = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2**attempt)
                    time.sleep(random.uniform(0, ceiling))
                finally:
                    FRESH.reset(token)
        raise ServiceUnavailable("the card is too busy right now; retry shortly")

    def merchant(self, merchant_id: UUID, copy: bool = True) -> Merchant:
        """A merchant by id (`copy=False` to read it only)."""
        merchant = self.get_aggregate(merchant_id, copy)
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
