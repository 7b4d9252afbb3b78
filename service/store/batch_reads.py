"""Reading several aggregates from the store in one query, where the store can.

The PostgreSQL recorder (service/store/pg_store.py) answers `select_for_refresh`: the
events after a version for aggregates already cached, plus the latest snapshot
and the events after it for aggregates not cached yet, all in one round trip.
Other stores (SQLite: a local file) are asked one aggregate at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any
from uuid import UUID

from eventsourcing.persistence import EventStore

Events = dict[UUID, list[Any]]


def project_aggregate(aggregate: Any, domain_events: Iterable[Any]) -> Any:
    """Apply events in turn (the library's projector, without its assert).

    The library asserts each event against a runtime-checkable Protocol; that
    isinstance costs more than the mutation on every read of the hot path.
    """
    for domain_event in domain_events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


def read_many(
    events: EventStore[UUID],
    snapshots: EventStore[UUID] | None,
    after: Sequence[tuple[UUID, int]],
    load: Sequence[UUID],
) -> tuple[Events, dict[UUID, Any]]:
    """New events of cached aggregates, and the `load` ones built (None: absent)."""
    select = getattr(events.recorder, "select_for_refresh", None)
    if select is None:
        return _one_by_one(events, snapshots, after, load)
    table = (
        getattr(snapshots.recorder, "events_table_name", None) if snapshots else None
    )
    stored_snapshots, stored_events = select(after, load, table)
    new: Events = {aggregate_id: [] for aggregate_id in (*dict(after), *load)}
    for item in stored_events:
        new[item.originator_id].append(events.mapper.to_domain_event(item))
    first: dict[UUID, Any] = {}
    for item in stored_snapshots:
        assert snapshots is not None
        first[item.originator_id] = snapshots.mapper.to_domain_event(item)
    loaded: dict[UUID, Any] = {}
    for aggregate_id in load:
        start = [first[aggregate_id]] if aggregate_id in first else []
        loaded[aggregate_id] = project_aggregate(
            None, chain(start, new.pop(aggregate_id))
        )
    return new, loaded


def _one_by_one(
    events: EventStore[UUID],
    snapshots: EventStore[UUID] | None,
    after: Sequence[tuple[UUID, int]],
    load: Sequence[UUID],
) -> tuple[Events, dict[UUID, Any]]:
    new: Events = {i: list(events.get(i, gt=version)) for i, version in after}
    loaded: dict[UUID, Any] = {}
    for aggregate_id in load:
        start = (
            list(snapshots.get(aggregate_id, desc=True, limit=1)) if snapshots else []
        )
        gt = start[0].originator_version if start else None
        rest = events.get(aggregate_id, gt=gt)
        loaded[aggregate_id] = project_aggregate(None, chain(start, rest))
    return new, loaded
