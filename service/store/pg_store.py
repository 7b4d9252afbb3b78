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
Both statements go straight through libpq, in binary (service/store/pg_wire.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import (
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Identifier

from service.store.pg_lease import ConnectionLease
from service.store.pg_refresh import refresh_statement
from service.store.pg_wire import (
    ARRAY_OF,
    BYTEA_OID,
    INT8_OID,
    TEXT_OID,
    UUID_OID,
    Prepared,
    array,
    int8,
    read_int8,
    retried,
    uuid_array,
)

FUNCTION = "giftledger_insert_events"
log = logging.getLogger("giftledger.store")


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
        # The events go as four parallel arrays, packed in binary: an array of
        # the composite type would have to be escaped as text in Python.
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
        self.lease = ConnectionLease(datastore)
        # Set by the breaker (service/breaker.py): True while the store is down.
        self.store_down: Callable[[], bool] = lambda: False
        self._refresh_statements: dict[tuple[int, int, str | None], Prepared] = {}
        self.insert_call = Prepared(
            SQL("SELECT * FROM {schema}.{function}(%s, %s, %s, %s)").format(**names),
            [ARRAY_OF[oid] for oid in (UUID_OID, INT8_OID, TEXT_OID, BYTEA_OID)],
        )

    @retried
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert the events atomically; their notification ids, in order."""
        if not stored_events:
            return []
        if not self.has_function:
            return self._insert_pipelined(stored_events, **kwargs)
        params = (
            uuid_array([e.originator_id for e in stored_events]),
            array(INT8_OID, [int8(e.originator_version) for e in stored_events]),
            array(TEXT_OID, [e.topic.encode() for e in stored_events]),
            array(BYTEA_OID, [e.state for e in stored_events]),
        )
        try:
            result = self.lease.run(lambda conn: self.insert_call.run(conn, params))
        except ProgrammingError as error:
            if FUNCTION not in str(error):
                raise
            # A database set up by an older init-db: the library's way still works.
            log.warning("%s is missing: run `giftledger init-db`", FUNCTION)
            self.has_function = False
            return self._insert_pipelined(stored_events, **kwargs)
        value: Any = result.get_value
        return [read_int8(value(n, 0)) for n in range(result.ntuples)]

    @retried
    def max_notification_id(self) -> int | None:
        """The last notification id: the library's statement, with the breaker-aware
        retries (/readyz and read-your-writes ask it on every call)."""

        def query(conn: Any) -> int | None:
            with conn.cursor() as cursor:
                row = cursor.execute(self.max_notification_id_statement).fetchone()
            return cast("int | None", row["max"] if isinstance(row, dict) else row[0])

        return self.lease.run(query)

    def _insert_pipelined(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
        return ids

    @retried
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
        params: list[bytes] = []
        for aggregate_id, version in after:
            params += (aggregate_id.bytes, int8(version))
        for aggregate_id in load:
            params += [aggregate_id.bytes] * (3 if snapshots_table else 1)
        snapshots: list[StoredEvent] = []
        events: list[StoredEvent] = []
        result = self.lease.run(lambda conn: statement.run(conn, params))
        value: Any = result.get_value  # no NULLs: every save writes all four
        for row in range(result.ntuples):
            stored = StoredEvent(
                UUID(bytes=value(row, 1)),
                read_int8(value(row, 2)),
                value(row, 3).decode(),
                value(row, 4),
            )
            # The first column is an int4: 1 for a snapshot, 0 for an event.
            (snapshots if value(row, 0)[-1] else events).append(stored)
        return snapshots, events

    def _refresh_statement(
        self, after: int, load: int, snapshots_table: str | None
    ) -> Prepared:
        shape = (after, load, snapshots_table)
        if shape not in self._refresh_statements:
            self._refresh_statements[shape] = refresh_statement(
                self.datastore.schema, self.events_table_name, *shape
            )
        return self._refresh_statements[shape]
