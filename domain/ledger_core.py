"""The ledger Application's shared parts: clock, retries, look-ups, the card command.

Every card command runs through `on_card`, the one template: the command's time,
the card with its expired holds released, the replay of a repeated idempotency
key, the command's own step, one atomic save and the Outcome, retried when
another writer won the race. Persistence is the library's, chosen by its
settings; service/store plugs a cache and read-ahead in through the hooks below.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Hashable, Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
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
from domain.views import Outcome
from domain.work import CardWork, Step, stamp

T = TypeVar("T")
# What a request will read besides its caller, given the caller's merchant.
Reads = Callable[[Merchant], Iterable[UUID]]
# Optimistic-concurrency retries between processes (threads of one process queue
# on a per-card lock instead): bounded, so a pathological hot spot answers 503
# instead of hanging. The backoff doubles from 2 ms up to 50 ms, jittered.
MAX_ATTEMPTS = 50
BACKOFF_SECONDS = 0.002
MAX_BACKOFF_SECONDS = 0.05


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


class LedgerCore(Application[UUID]):
    """Shared machinery of the ledger's command and query API."""

    name = "giftledger"
    # A snapshot encodes the card's whole state (1.8 MB at 10,000 events): rarely.
    snapshotting_intervals = {GiftCard: 2000}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(env)
        self.clock = clock

    # -- hooks the store overrides (service/store/ledger.py) -------------------

    def command_turn(self, key: Hashable | None) -> AbstractContextManager[Any]:
        """Where commands on one key take turns within a process (the store locks;
        without it, optimistic concurrency alone keeps every save right)."""
        return nullcontext()

    def attempt_scope(
        self, wanted: set[UUID], retry: bool
    ) -> AbstractContextManager[None]:
        """Where one attempt of a command runs (the store reads `wanted` first)."""
        return nullcontext()

    def prefetch(
        self, username: str, card_code: str | None, reads: Reads | None, secret: str
    ) -> None:
        """A hint: what a caller's request will read (the store reads it at once)."""

    def get_aggregate(self, aggregate_id: UUID, copy: bool = True) -> Any:
        """An aggregate by id, or None; `copy=False` to read it, never to change it."""
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    # -- commands -------------------------------------------------------------

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
        The aggregates it `touches` (and a UUID key) are read ahead together.
        """
        wanted = {*touches, *([key] if isinstance(key, UUID) else [])}
        with self.command_turn(key):
            for attempt in range(MAX_ATTEMPTS):
                with self.attempt_scope(wanted, retry=attempt > 0):
                    try:
                        return command()
                    except IntegrityError:
                        # Optimistic concurrency: someone saved a newer version first.
                        ceiling = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2**attempt)
                        time.sleep(random.uniform(0, ceiling))
        raise ServiceUnavailable("the card is too busy right now; retry shortly")

    def on_card(
        self, merchant_id: UUID, card_uuid: UUID, origin: Origin, step: Step, *,
        amount: int | None = None, touches: Iterable[UUID] = (),
        check: Callable[[GiftCard], None] | None = None,
    ) -> Outcome:  # fmt: skip
        """The card command template: `step` is what the command itself decides.

        `amount` is what the answer reports (the request's own, unless the step
        returns another); `check` runs on the card before a repeated key replays.
        """

        def attempt() -> Outcome:
            now = self.clock()
            card = self.fresh_card_by_id(merchant_id, card_uuid, now)
            if check is not None:
                check(card)
            replayed = self.replay(card, origin, now, amount)
            if replayed:
                return replayed
            work = CardWork(card=card, now=now, origin=origin)
            done = step(work)
            ref, taken = done if isinstance(done, tuple) else (done, amount)
            self.save(card, *work.others)
            return Outcome(card=card, ref=ref, replayed=False, now=now, amount=taken)

        return self.retrying(attempt, key=card_uuid, touches=touches)

    # -- look-ups ---------------------------------------------------------------

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
        """A card by code with its expired holds released, ready for a command."""
        return self.fresh_card_by_id(merchant_id, card_id(merchant_id, code), now)

    def fresh_card_by_id(
        self, merchant_id: UUID, card_uuid: UUID, now: datetime
    ) -> GiftCard:
        """A card with its expired holds released, ready for a command."""
        card = self.card_by_id(merchant_id, card_uuid)
        if card.expired_holds(now):  # the system's origin is built only then
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

    event_origin = staticmethod(stamp)
