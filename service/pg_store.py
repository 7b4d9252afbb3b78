"""The PostgreSQL event store: the library's recorder, one round trip per save.

The library's recorder writes a save as a client-side transaction: BEGIN, SET
LOCAL lock_timeout, LOCK TABLE ... IN EXCLUSIVE MODE, NOTIFY, INSERT, COMMIT,
pipelined but still several waits on the server while the table lock is held.
The table lock is what keeps notification ids committed in order (the projector
follows the log by id and must never see a later id before an earlier one), so
it stays; it just moves into a server-side function called in autocommit: the
lock is then held for the INSERT and the commit only, never across the network.

Fast-forwarding several cached aggregates also takes one query here
(`select_events_after`), instead of one per aggregate.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

FUNCTION = "giftledger_insert_events"
log = logging.getLogger("giftledger.store")
FEW = 8


class LedgerRecorder(PostgresApplicationRecorder):
    """The application recorder giftledger uses on PostgreSQL."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        names = {
            "schema": Identifier(datastore.schema),
            "table": Identifier(self.events_table_name),
            "event": Identifier(self.stored_event_type_name),
            "channel": Identifier(self.channel_name),
            "function": Identifier(FUNCTION),
        }
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}"
                "(events {schema}.{event}[]) RETURNS SETOF bigint "
                "LANGUAGE plpgsql AS $BODY$ BEGIN "
                "SET LOCAL lock_timeout = '{timeout}s'; "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY INSERT INTO {schema}.{table} "
                "(originator_id, originator_version, topic, state) "
                "SELECT originator_id, originator_version, topic, state "
                "FROM unnest(events) RETURNING notification_id; "
                "END; $BODY$"
            ).format(timeout=datastore.lock_timeout, **names)
        )
        self.has_function = True
        self._rendered: dict[int, bytes] = {}
        self._few: dict[int, Composed] = {}
        self.insert_call = SQL("SELECT * FROM {schema}.{function}(%s)").format(**names)
        self.select_after = SQL(
            "SELECT e.originator_id, e.originator_version, e.topic, e.state "
            "FROM unnest(%s::uuid[], %s::bigint[]) AS w(id, version) "
            "JOIN {schema}.{table} e ON e.originator_id = w.id "
            "AND e.originator_version > w.version "
            "ORDER BY e.originator_id, e.originator_version"
        ).format(**names)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert the events atomically; their notification ids, in order."""
        if not stored_events:
            return []
        rows = [
            self.construct_pg_stored_event(
                e.originator_id, e.originator_version, e.topic, e.state
            )
            for e in stored_events
        ]
        if not self.has_function:
            return self._insert_pipelined(stored_events, **kwargs)
        try:
            with self.datastore.get_connection() as conn:
                query = self._bytes(self.insert_call, conn)
                with conn.cursor(row_factory=tuple_row) as curs:
                    curs.execute(query, (rows,), prepare=True)
                    return [int(row[0]) for row in curs.fetchall()]
        except ProgrammingError as error:
            if FUNCTION not in str(error):
                raise
            # A database set up by an older init-db: the library's way still works.
            log.warning("%s is missing: run `giftledger init-db`", FUNCTION)
            self.has_function = False
            return self._insert_pipelined(stored_events, **kwargs)

    def _insert_pipelined(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
        return ids

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events_after(
        self, versions: Sequence[tuple[UUID, int]]
    ) -> list[StoredEvent]:
        """Events newer than each (originator id, version) pair, in one query."""
        if not versions:
            return []
        params: tuple[Any, ...]
        if len(versions) <= FEW:
            # A few (id, version) pairs: an OR of index lookups plans and binds
            # in half the time of the unnest join.
            statement = self._select_few(len(versions))
            params = tuple(value for pair in versions for value in pair)
        else:
            statement = self.select_after
            params = ([i for i, _ in versions], [v for _, v in versions])
        with self.datastore.get_connection() as conn:
            query = self._bytes(statement, conn)
            with conn.cursor(row_factory=tuple_row) as curs:
                curs.execute(query, params, prepare=True)
                return [
                    StoredEvent(
                        originator_id=row[0],
                        originator_version=row[1],
                        topic=row[2],
                        state=bytes(row[3]),
                    )
                    for row in curs.fetchall()
                ]

    def _select_few(self, count: int) -> Composed:
        try:
            return self._few[count]
        except KeyError:
            match = SQL("(originator_id = %s AND originator_version > %s)")
            statement = SQL(
                "SELECT originator_id, originator_version, topic, state "
                "FROM {schema}.{table} WHERE {matches} "
                "ORDER BY originator_id, originator_version"
            ).format(
                schema=Identifier(self.datastore.schema),
                table=Identifier(self.events_table_name),
                matches=SQL(" OR ").join([match] * count),
            )
            self._few[count] = statement
            return statement

    def _bytes(self, statement: Composed, conn: Any) -> bytes:
        # Rendering a composed statement costs more than the query on a warm
        # connection; the text never changes, so render it once.
        try:
            return self._rendered[id(statement)]
        except KeyError:
            rendered = statement.as_bytes(conn)
            self._rendered[id(statement)] = rendered
            return rendered
