"""The ledger as the service runs it: the domain's Ledger with the store's parts.

Plugged in through the library's own seams: `construct_repository` (a cache that
is never stale, read-ahead of several aggregates in one query), `take_snapshot`
(written in the background) and `save` (what was saved is cached, and the log
position noted for read-your-writes). See docs/domain.md (Concurrency): what a
request or a command reads is read from the store in one query and kept in its
scope (FRESH) for that request only.
"""

from __future__ import annotations

from collections.abc import Hashable
from contextlib import AbstractContextManager
from contextvars import ContextVar
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.persistence import Recording
from eventsourcing.utils import strtobool

from domain.accounts import PosAccount
from domain.card_codes import card_id
from domain.credentials import Credential, parse_username
from domain.giftcard import GiftCard
from domain.ledger import Ledger
from domain.ledger_core import Reads
from domain.merchant import Merchant
from service.store.locks import KeyedLocks
from service.store.repository import FRESH, LockedRepository, ReadScope
from service.store.snapshots import Snapshotter

# The log position of the last save in this thread or task, for read-your-writes.
LAST_POSITION: ContextVar[int | None] = ContextVar("last_position", default=None)
# Aggregates used again and again; pointers and receipts are written once, read rarely.
CACHED_ON_SAVE = (GiftCard, Merchant, Credential, PosAccount)


class StoredLedger(Ledger):
    """The Ledger with a worker's aggregate cache, read-ahead and snapshots."""

    # The library names tables and settings after this (else after the class).
    name = "giftledger"

    # A worker loads a card once (then caches it): snapshot + at most 2,000 events.
    env = {"AGGREGATE_CACHE_MAXSIZE": "10000"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.snapshotter = Snapshotter(super().take_snapshot)
        self.command_locks = KeyedLocks()

    def command_turn(self, key: Hashable | None) -> AbstractContextManager[Any]:
        """Commands on one card take turns within this process (a striped lock), so
        only writers in other processes can lose a race to it."""
        return self.command_locks(key)

    @property
    def cached(self) -> LockedRepository:
        """The repository, with its multi-aggregate fast-forward."""
        return cast("LockedRepository", self.repository)

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

    def attempt_scope(self, wanted: set[UUID], retry: bool) -> ReadScope:
        """A command's read scope: `wanted` read in one query, reread on a retry."""
        return ReadScope(self.cached, wanted, retry)

    def prefetch(
        self, username: str, card_code: str | None, reads: Reads | None, secret: str
    ) -> None:
        """Read a caller's credential, merchant and card from the store in one query.

        Inside a request scope (the service opens one per request: FRESH), later
        reads of them in the same request need no query of their own. `reads`
        names more of what the request will read, given the (cached) merchant; it
        is only asked once `secret` matches the cached credential, so a stranger's
        request is never looked into.
        """
        parsed = parse_username(username)
        scope = FRESH.get()
        cache = self.repository.cache
        if parsed is None or scope is None or cache is None:
            return
        wanted = [parsed[1]]
        credential = _cached(cache, parsed[1])
        if isinstance(credential, Credential):
            wanted.append(credential.merchant_id)
            if card_code:
                wanted.append(card_id(credential.merchant_id, card_code))
            if reads is not None and credential.verify(secret):
                merchant = _cached(cache, credential.merchant_id)
                if isinstance(merchant, Merchant):
                    wanted += reads(merchant)
        scope.update(self.cached.refresh(wanted))

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save as Application.save does, through the event store's `put`; then
        remember what was saved: its next use needs no query.

        The library's save first checks every object against runtime Protocols
        (ProcessingEvent.collect_events), which costs more than the rest of it.
        """
        events: list[Any] = []
        intervals = (self.snapshotting_intervals or {}) if self.snapshots else {}
        every: dict[UUID, int] = {}
        for obj in objs:
            collect = getattr(obj, "collect_events", None)
            if collect is not None:
                events.extend(collect())
                every[obj.id] = intervals.get(type(obj), 0)
            elif obj is not None:  # an event, saved as it is
                events.append(obj)
        recordings = self.events.put(events, **kwargs)
        for event in events:  # the library's snapshot rule: every Nth version
            interval = every.get(event.originator_id)
            if interval and event.originator_version % interval == 0:
                self.take_snapshot(event.originator_id, event.originator_version)
        if recordings:
            LAST_POSITION.set(max(r.notification.id for r in recordings))
        if self.repository.cache is None:
            return recordings
        scope = FRESH.get()
        for obj in objs:
            if isinstance(obj, CACHED_ON_SAVE):
                # A copy: the caller's object can never change what is cached.
                kept = self.cached.keep_copy(obj)
                if scope is not None:
                    scope[obj.id] = kept
            elif scope is not None and obj is not None:
                scope.pop(obj.id, None)  # read it from the store if asked again
        return recordings

    def get_aggregate(self, aggregate_id: UUID, copy: bool = True) -> Any:
        """An aggregate by id, or None; `copy=False` to read it, never to change it."""
        try:
            return self.cached.get(aggregate_id, copy=copy)
        except AggregateNotFoundError:
            return None

    def take_snapshot(self, aggregate_id: UUID, version: int | None = None,
                      projector_func: Any = None) -> None:  # fmt: skip
        """Queue the library's snapshot of the aggregate, off the request path."""
        self.snapshotter.submit(aggregate_id, version)

    def wait_for_snapshots(self) -> None:
        """Block until the snapshots queued so far are written (for tests, audits)."""
        self.snapshotter.wait()

    def close(self) -> None:
        """Finish the queued snapshots, then close the store."""
        self.snapshotter.close()
        super().close()


def _cached(cache: Any, aggregate_id: UUID) -> Any:
    try:
        return cache.get(aggregate_id)
    except KeyError:
        return None
