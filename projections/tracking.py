"""Tracking records: each view's last applied position, written with its rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from projections.cards import utc_naive
from projections.schema import positions_table


class PositionMoved(Exception):
    """Another writer (a rebuild's swap) moved a view's position under us."""


class Tracking:
    """The projection_positions table, read and advanced inside view transactions."""

    def __init__(self) -> None:
        self.table = positions_table()

    def read(
        self, conn: Connection, names: Iterable[str], *, lock: bool = False
    ) -> dict[str, int]:
        """The positions of the named views (0 when a view never ran)."""
        names = list(names)
        query = select(self.table.c.name, self.table.c.position).where(
            self.table.c.name.in_(names)
        )
        if lock:
            # On PostgreSQL, serialise projector batches and rebuild swaps.
            query = query.with_for_update()
        found = dict(conn.execute(query).all())
        return {name: int(found.get(name, 0)) for name in names}

    def advance(
        self,
        conn: Connection,
        name: str,
        old: int,
        new: int,
        last_event_at: datetime | None,
    ) -> None:
        """Move a view from `old` to `new`; refuse if it is not at `old` any more."""
        now = utc_naive(datetime.now(UTC))
        values = {"position": new, "updated_at": now}
        if last_event_at is not None:
            values["last_event_at"] = utc_naive(last_event_at)
        result = conn.execute(
            update(self.table)
            .where(self.table.c.name == name, self.table.c.position == old)
            .values(**values)
        )
        if result.rowcount == 1:
            return
        exists = conn.execute(
            select(self.table.c.position).where(self.table.c.name == name)
        ).first()
        if exists is not None or old != 0:
            raise PositionMoved(f"view {name} is no longer at position {old}")
        conn.execute(insert(self.table).values(name=name, **values))

    def set(self, conn: Connection, name: str, position: int) -> None:
        """Put a view at a position (a swap, or a reset)."""
        self.forget(conn, name)
        conn.execute(
            insert(self.table).values(
                name=name, position=position, updated_at=utc_naive(datetime.now(UTC))
            )
        )

    def forget(self, conn: Connection, name: str) -> None:
        """Remove a view's tracking record."""
        conn.execute(self.table.delete().where(self.table.c.name == name))

    def all(self, conn: Connection) -> dict[str, tuple[int, datetime | None]]:
        """Every view's position and the time of its last applied event."""
        rows = conn.execute(
            select(self.table.c.name, self.table.c.position, self.table.c.last_event_at)
        )
        return {name: (int(pos), at) for name, pos, at in rows}
