"""Bulk writes inside a view's transaction: COPY on PostgreSQL, executemany on SQLite.

Catch-up speed is decided here. Through SQLAlchemy's executemany, psycopg sends
one INSERT per row (pipelined), which held the projector near 3,000 events/s;
COPY streams the rows of a whole batch in one command.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, delete, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

IN_CHUNK = 500


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    """Slices of at most `size` items (bound-parameter limits)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _copy(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    names = [c.name for c in table.c]
    quote = conn.dialect.identifier_preparer.quote
    command = (
        f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    )
    raw: Any = conn.connection.driver_connection
    # The same DBAPI connection, so the COPY is part of the view's transaction.
    with raw.cursor() as cursor, cursor.copy(command) as copy:
        for row in rows:
            copy.write_row([row[n] for n in names])


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new rows (a key that exists already is an error: nothing twice)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy(conn, table, rows)
    else:
        conn.execute(insert(table), list(rows))


def replace_rows(
    conn: Connection, table: Table, key: str, rows: Sequence[dict[str, Any]]
) -> None:
    """Write whole rows over the existing ones with the same key."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        column = table.c[key]
        for part in chunks([row[key] for row in rows]):
            conn.execute(delete(table).where(column.in_(part)))
        _copy(conn, table, rows)
    else:
        upsert(conn, table, rows, [key])


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    add: Sequence[str] = (),
) -> None:
    """Insert rows, replacing (or, for `add` columns, summing into) existing ones."""
    if not rows:
        return
    make = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = make(table)
    changes: dict[str, Any] = {
        c.name: stmt.excluded[c.name] for c in table.c if c.name not in keys
    }
    for name in add:
        changes[name] = table.c[name] + stmt.excluded[name]
    conn.execute(
        stmt.on_conflict_do_update(index_elements=keys, set_=changes), list(rows)
    )
