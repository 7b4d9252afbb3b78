"""The library's repository with a worker's cache that is never stale."""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from threading import Lock
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository

from service.store.batch_reads import project_aggregate, read_many
from service.store.copying import copy_aggregate

# The aggregates this thread's current request or command has read from the
# store, as of that read (None: no such aggregate). Reading one again needs no
# query. The whole variable is None outside such a scope.
Scope = dict[UUID, Any]
FRESH: ContextVar[Scope | None] = ContextVar("fresh", default=None)


class LockedRepository(Repository[UUID]):
    """The library's repository with a copy-on-write cache and batched refreshes.

    A cached aggregate is never changed in place: new events are applied to a copy
    that then replaces it (under a per-id lock). So readers that only look at an
    aggregate (a credential, a merchant) may share the cached object, and no lock
    is ever held across a query. Commands get their own copy, as in the library;
    a saved aggregate is cached as a copy, so its caller can never change it.
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
        scope = FRESH.get()
        if scope is not None and aggregate_id in scope:
            found = scope[aggregate_id]
        else:
            found = self.refresh([aggregate_id])[aggregate_id]
        if found is None:
            raise AggregateNotFoundError(aggregate_id)
        return copy_aggregate(found) if copy else found

    def refresh(self, aggregate_ids: Iterable[UUID]) -> Scope:
        """Every one of `aggregate_ids` as the store has it now, in one query.

        Cached ones are fast-forwarded, the others loaded (snapshot, then events)
        and cached; an id with no aggregate maps to None.
        """
        wanted = set(aggregate_ids)
        if self.cache is None:
            return {i: self._load_uncached(i) for i in wanted}
        cached, missing = {}, []
        for aggregate_id in wanted:
            try:
                cached[aggregate_id] = self.cache.get(aggregate_id).version
            except KeyError:
                missing.append(aggregate_id)
        new, loaded = read_many(
            self.event_store, self.snapshot_store, list(cached.items()), missing
        )
        found: Scope = {}
        for aggregate_id, seen in cached.items():
            found[aggregate_id] = self._fast_forward(
                aggregate_id, seen, new[aggregate_id]
            )
        for aggregate_id, aggregate in loaded.items():
            found[aggregate_id] = self.keep(aggregate) if aggregate else None
        return found

    def keep_copy(self, aggregate: Any) -> Any:
        """Cache a copy of a saved aggregate; returns the newest cached."""
        return self.keep(copy_aggregate(aggregate))

    def keep(self, aggregate: Any) -> Any:
        """Cache an aggregate no one else holds; returns the newest cached."""
        assert self.cache is not None
        with self._stripe(aggregate.id):
            try:
                cached = self.cache.get(aggregate.id)
                if cached.version >= aggregate.version:
                    return cached
            except KeyError:
                pass
            self.cache.put(aggregate.id, aggregate)
            return aggregate

    def _stripe(self, aggregate_id: UUID) -> Lock:
        return self._stripes[hash(aggregate_id) % self.STRIPES]

    def _load_uncached(self, aggregate_id: UUID) -> Any:
        try:
            return super().get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def _fast_forward(self, aggregate_id: UUID, seen: int, events: list[Any]) -> Any:
        """Apply what the query found to a copy of the cached aggregate."""
        assert self.cache is not None
        latest = events[-1].originator_version if events else seen
        with self._stripe(aggregate_id):
            try:
                aggregate: Any = self.cache.get(aggregate_id)
            except KeyError:
                aggregate = None
            if aggregate is None or aggregate.version < seen:
                aggregate = None  # evicted or replaced since: load it afresh
            else:
                missing = [
                    e for e in events if e.originator_version > aggregate.version
                ]
                if missing and missing[0].originator_version == aggregate.version + 1:
                    aggregate = project_aggregate(copy_aggregate(aggregate), missing)
                    self.cache.put(aggregate_id, aggregate)
            # Anything at or past what the store held when queried is current.
            if aggregate is not None and aggregate.version >= latest:
                return aggregate
        loaded = self._load_uncached(aggregate_id)
        return self.keep(loaded) if loaded is not None else None


class ReadScope:
    """One attempt of a command: what it reads is read once, in one query."""

    def __init__(self, repository: LockedRepository, wanted: set[UUID], retry: bool):
        outer = FRESH.get()
        self.scope: Scope = {} if outer is None else outer
        if retry:
            self.scope.clear()  # a retry lost a race: what was read is stale
        missing = [i for i in wanted if i not in self.scope]
        if missing:
            self.scope.update(repository.refresh(missing))

    def __enter__(self) -> None:
        self.token = FRESH.set(self.scope)

    def __exit__(self, *exc: object) -> None:
        FRESH.reset(self.token)
