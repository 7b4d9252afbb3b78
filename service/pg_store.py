"""The PostgreSQL event store: the library's recorder, one round trip per save.

The library's recorder writes a save as a client-side transaction: BEGIN, SET
LOCAL lock_timeout, LOCK TABLE ... IN EXCLUSIVE MODE, NOTIFY, INSERT, COMMIT,
pipelined but still several waits on the server while the table lock is held.
The table lock is what keeps notification ids committed in order (the projector
follows the log by id and must never see a later id before an earlier one), so
it stays; it just moves into a server-side function called in autocommit: the
lock is then held for the INSERT and the commit only, never across the network.

Reading several aggregates, cached (events after a version) or not (latest
snapshot, then events), also takes one query here (`select_for_refresh`).
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


def reused_cursor(conn: Any) -> Any:
    """The connection's own tuple cursor, made once.

    A new cursor starts with empty adapter caches: psycopg then looks up the
    dumper of each array parameter again, ~40 us a statement.
    """
    curs = getattr(conn, "giftledger_cursor", None)
    if curs is None or curs.closed:
        curs = conn.cursor(row_factory=tuple_row)
        conn.giftledger_cursor = curs
    return curs


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
        # The events go as four parallel arrays: psycopg dumps them in binary,
        # where an array of the composite type is escaped as text in Python.
        self.sql_create_statements += [
            SQL(
                "DROP FUNCTION IF EXISTS {schema}.{function}({schema}.{event}[])"
            ).format(**names),
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}(ids uuid[], "
                "versions bigint[], topics text[], states bytea[]) "
                "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ BEGIN "
                "SET LOCAL lock_timeout = '{timeout}s'; "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY INSERT INTO {schema}.{table} "
                "(originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(ids, versions, topics, states) "
                "RETURNING notification_id; "
                "END; $BODY$"
            ).format(timeout=datastore.lock_timeout, **names),
        ]
        self.has_function = True
        self._rendered: dict[int, bytes] = {}
        self._refresh_statements: dict[tuple[int, int, str | None], Composed] = {}
        self.insert_call = SQL(
            "SELECT * FROM {schema}.{function}(%b, %b, %b, %b)"
        ).format(**names)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert the events atomically; their notification ids, in order."""
        if not stored_events:
            return []
        if not self.has_function:
            return self._insert_pipelined(stored_events, **kwargs)
        try:
            with self.datastore.get_connection() as conn:
                query = self._bytes(self.insert_call, conn)
                columns = (
                    [e.originator_id for e in stored_events],
                    [e.originator_version for e in stored_events],
                    [e.topic for e in stored_events],
                    [e.state for e in stored_events],
                )
                curs = reused_cursor(conn)
                curs.execute(query, columns, prepare=True)
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
    def select_for_refresh(
        self,
        after: Sequence[tuple[UUID, int]],
        load: Sequence[UUID],
        snapshots_table: str | None,
    ) -> tuple[list[StoredEvent], list[StoredEvent]]:
        """In one query: the events after each (id, version) of `after`, and for
        each id of `load` its latest snapshot and the events after it.

        Returns (snapshots, events), each in (id, version) order.
        """
        if not after and not load:
            return [], []
        statement = self._refresh_statement(len(after), len(load), snapshots_table)
        params: list[Any] = [value for pair in after for value in pair]
        for aggregate_id in load:
            params += [aggregate_id] * (3 if snapshots_table else 1)
        snapshots: list[StoredEvent] = []
        events: list[StoredEvent] = []
        with self.datastore.get_connection() as conn:
            query = self._bytes(statement, conn)
            curs = reused_cursor(conn)
            curs.execute(query, params, prepare=True)
            for kind, originator_id, version, topic, state in curs.fetchall():
                stored = StoredEvent(originator_id, version, topic, bytes(state))
                (snapshots if kind else events).append(stored)
        return snapshots, events

    def _refresh_statement(
        self, after: int, load: int, snapshots_table: str | None
    ) -> Composed:
        """An OR of index look-ups and a few UNION ALLs: cheap to plan and bind."""
        shape = (after, load, snapshots_table)
        if shape in self._refresh_statements:
            return self._refresh_statements[shape]
        columns = SQL("originator_id, originator_version, topic, state")
        events = SQL("{}.{}").format(
            Identifier(self.datastore.schema), Identifier(self.events_table_name)
        )
        parts = []
        if after:
            match = SQL("(originator_id = %s AND originator_version > %s)")
            parts.append(
                SQL("SELECT 0, {} FROM {} WHERE {}").format(
                    columns, events, SQL(" OR ").join([match] * after)
                )
            )
        since: SQL | Composed = SQL("0")
        if snapshots_table:
            snaps = SQL("{}.{}").format(
                Identifier(self.datastore.schema), Identifier(snapshots_table)
            )
            latest = SQL(
                "(SELECT 1, {} FROM {} WHERE originator_id = %s "
                "ORDER BY originator_version DESC LIMIT 1)"
            ).format(columns, snaps)
            since = SQL(
                "COALESCE((SELECT max(originator_version) FROM {} "
                "WHERE originator_id = %s), 0)"
            ).format(snaps)
        rest = SQL(
            "SELECT 0, {} FROM {} WHERE originator_id = %s AND originator_version > {}"
        ).format(columns, events, since)
        for _ in range(load):
            parts += [latest, rest] if snapshots_table else [rest]
        statement = SQL("{} ORDER BY 2, 1 DESC, 3").format(
            SQL(" UNION ALL ").join(parts)
        )
        self._refresh_statements[shape] = statement
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
