"""Rebuild every read model from event 1 into fresh tables, verify, then swap in."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table

from projections.events import EventSource
from projections.failure import ProjectionFailed
from projections.runner import Projector
from projections.schema import LIVE, REBUILD, create_tables, read_models
from projections.tracking import Tracking
from projections.verify import Report, verify
from projections.views import all_views

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RebuildResult:
    """What a rebuild did."""

    position: int
    events: int
    seconds: float
    report: Report
    swapped: bool


def prepare_fresh(engine: Engine) -> None:
    """Drop any leftover fresh tables and create empty ones."""
    fresh = read_models(REBUILD)
    with engine.begin() as conn:
        fresh.metadata.drop_all(conn)
        fresh.metadata.create_all(conn)
        for view in all_views(fresh):
            Tracking().forget(conn, view.name + REBUILD)


def drop_fresh(engine: Engine) -> None:
    """Throw a failed rebuild away."""
    fresh = read_models(REBUILD)
    with engine.begin() as conn:
        fresh.metadata.drop_all(conn)
        for view in all_views(fresh):
            Tracking().forget(conn, view.name + REBUILD)


def _swap_table(conn: Connection, live: Table, fresh: Table) -> None:
    q = conn.dialect.identifier_preparer.quote
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {q(live.name)}")
    conn.exec_driver_sql(f"ALTER TABLE {q(fresh.name)} RENAME TO {q(live.name)}")
    if conn.dialect.name == "postgresql":
        # Constraint and index names are schema-wide: give back the live names,
        # so the next rebuild can create its fresh tables again.
        pk_fresh, pk_live = fresh.primary_key.name, live.primary_key.name
        conn.exec_driver_sql(
            f"ALTER TABLE {q(live.name)} RENAME CONSTRAINT {q(str(pk_fresh))} "
            f"TO {q(str(pk_live))}"
        )
        for old, new in zip(
            sorted(fresh.indexes, key=lambda i: str(i.name)),
            sorted(live.indexes, key=lambda i: str(i.name)),
            strict=True,
        ):
            conn.exec_driver_sql(
                f"ALTER INDEX {q(str(old.name))} RENAME TO {q(str(new.name))}"
            )
    else:
        # SQLite cannot rename an index: recreate it under the live name.
        for index in fresh.indexes:
            conn.exec_driver_sql(f"DROP INDEX {q(str(index.name))}")
        for index in live.indexes:
            index.create(conn)


def swap(engine: Engine) -> int:
    """Put the fresh tables and their position in place of the live ones, atomically."""
    live, fresh = read_models(LIVE), read_models(REBUILD)
    tracking = Tracking()
    names = [view.name for view in all_views(live)]
    with engine.begin() as conn:
        # Wait for the running projector's batch, and hold it off until we commit.
        tracking.read(conn, names, lock=True)
        positions = tracking.read(conn, [name + REBUILD for name in names])
        for live_table, fresh_table in zip(live.rebuilt, fresh.rebuilt, strict=True):
            _swap_table(conn, live_table, fresh_table)
        for name in names:
            tracking.set(conn, name, positions[name + REBUILD])
            tracking.forget(conn, name + REBUILD)
    return min(positions.values())


def rebuild(
    engine: Engine,
    source: EventSource,
    progress: Progress | None = None,
    verify_progress: Progress | None = None,
    batch_size: int | None = None,
) -> RebuildResult:
    """Build fresh tables from event 1, verify them, and swap them in if they match."""
    started = time.monotonic()
    create_tables(engine)
    prepare_fresh(engine)
    projector = Projector(engine, source, suffix=REBUILD, batch_size=batch_size)
    try:
        position = projector.catch_up(progress=progress)
    except ProjectionFailed:
        drop_fresh(engine)  # the live tables stay as they are
        raise
    seconds = time.monotonic() - started
    # Verify before the swap, so a wrong build never reaches the readers.
    report = verify(engine, read_models(REBUILD), source, REBUILD, verify_progress)
    if not report.ok:
        drop_fresh(engine)
        return RebuildResult(position, projector.applied, seconds, report, False)
    swap(engine)
    return RebuildResult(position, projector.applied, seconds, report, True)
