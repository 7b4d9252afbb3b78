"""Thread-safe plumbing around the library: the repository and per-key locks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from copy import deepcopy
from threading import Lock, RLock
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository, project_aggregate
from eventsourcing.domain import DomainEventProtocol

# Cached aggregates fast-forwarded moments ago by this thread's current command or
# request: reading one of them again needs no query. None outside such a scope.
FRESH: ContextVar[frozenset[UUID] | None] = ContextVar("fresh", default=None)


class LockedRepository(Repository[UUID]):
    """The library's repository with a copy-on-write cache and batched refreshes.

    A cached aggregate is never changed in place: new events are applied to a copy
    that then replaces it (under a per-id lock). So readers that only look at an
    aggregate (a credential, a merchant) may share the cached object, and no lock
    is ever held across a query. Commands get their own copy, as in the library.
    """

    STRIPES = 64

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stripes = tuple(Lock() for _ in range(self.STRIPES))

    def get(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        copy: bool = True,
        **kwargs: Any,
    ) -> Any:
        """An aggregate, current as of this call; `copy=False` only to read it."""
        if self.cache is None or version is not None:
            return super().get(aggregate_id, version=version, **kwargs)
        fresh = aggregate_id in (FRESH.get() or ())
        if fresh or aggregate_id in self.refresh([aggregate_id]):
            with self._stripe(aggregate_id):
                try:
                    cached = self.cache.get(aggregate_id)
                except KeyError:
                    pass  # evicted since
                else:
                    return deepcopy(cached) if copy else cached
        projector: Any = project_aggregate
        loaded: Any = self._reconstruct_aggregate(aggregate_id, None, projector)
        self._keep(loaded)
        return deepcopy(loaded) if copy else loaded

    def refresh(self, aggregate_ids: Iterable[UUID]) -> frozenset[UUID]:
        """Fast-forward the cached ones among `aggregate_ids` in one query.

        Returns the ids now current in the cache. Ids not cached are left to the
        usual load (snapshot, then events).
        """
        if self.cache is None:
            return frozenset()
        cached = {}
        for aggregate_id in set(aggregate_ids):
            try:
                cached[aggregate_id] = self.cache.get(aggregate_id).version
            except KeyError:
                continue
        if not cached:
            return frozenset()
        new_events = self._select_after(cached.items())
        return frozenset(
            aggregate_id
            for aggregate_id, seen in cached.items()
            if self._fast_forward(aggregate_id, seen, new_events[aggregate_id])
        )

    def remember(self, aggregate: Any) -> None:
        """Cache a copy of an aggregate just saved, so its next use needs no query."""
        self._keep(deepcopy(aggregate))

    def _stripe(self, aggregate_id: UUID) -> Lock:
        return self._stripes[hash(aggregate_id) % self.STRIPES]

    def _keep(self, aggregate: Any) -> None:
        """Cache an aggregate no one will change, unless a newer one is cached."""
        assert self.cache is not None
        with self._stripe(aggregate.id):
            try:
                if self.cache.get(aggregate.id).version >= aggregate.version:
                    return
            except KeyError:
                pass
            self.cache.put(aggregate.id, aggregate)

    def _select_after(
        self, versions: Iterable[tuple[UUID, int]]
    ) -> defaultdict[UUID, list[DomainEventProtocol[UUID]]]:
        recorder = self.event_store.recorder
        pairs = list(versions)
        select_many = getattr(recorder, "select_events_after", None)
        if select_many is not None:
            stored = select_many(pairs)
        else:  # SQLite: a local file, one query per id costs little
            stored = [
                event
                for aggregate_id, version in pairs
                for event in recorder.select_events(aggregate_id, gt=version)
            ]
        events: defaultdict[UUID, list[DomainEventProtocol[UUID]]] = defaultdict(list)
        for item in stored:
            event = self.event_store.mapper.to_domain_event(item)
            events[event.originator_id].append(event)
        return events

    def _fast_forward(
        self, aggregate_id: UUID, seen: int, events: list[DomainEventProtocol[UUID]]
    ) -> bool:
        """Apply what the query found to a copy of the cached aggregate."""
        assert self.cache is not None
        latest = events[-1].originator_version if events else seen
        with self._stripe(aggregate_id):
            try:
                aggregate: Any = self.cache.get(aggregate_id)
            except KeyError:
                return False
            if aggregate.version < seen:
                return False  # replaced by an older copy since: reload it
            missing = [e for e in events if e.originator_version > aggregate.version]
            if missing:
                if missing[0].originator_version != aggregate.version + 1:
                    return False
                aggregate = project_aggregate(deepcopy(aggregate), missing)
                self.cache.put(aggregate_id, aggregate)
            # Anything at or past what the store held when queried is current.
            return bool(aggregate.version >= latest)


class KeyedLocks:
    """A fixed set of re-entrant locks; a key always maps to the same one."""

    def __init__(self, stripes: int = 256) -> None:
        self._locks = tuple(RLock() for _ in range(stripes))

    def __call__(self, key: Hashable | None) -> AbstractContextManager[Any]:
        """The lock of a key, or no lock at all for None."""
        if key is None:
            return nullcontext()
        return self._locks[hash(key) % len(self._locks)]
