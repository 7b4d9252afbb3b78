"""One pooled connection per request for the store's two hot statements.

A request reads its aggregates and then saves its events. Through the library's
`get_connection`, each statement checked a connection out of the pool and back in
(two context managers, the connection's own `with` block and the pool's
bookkeeping; together 8% of a redemption's samples under py-spy). Here a request
leases one connection at its first statement and gives it back when it ends
(`begin` and `end`, called by the Flask app around each request); outside a
request (scripts, the projector, tests) every statement checks one out and back
in, as before.

A statement that fails gives its connection back at once, so a retry after a
lost connection gets a fresh one from the pool; the pool's own return checks
discard a broken connection. Errors come out as the library's exceptions, as
`get_connection` raises them, so the retries and the breaker behave as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import psycopg
from eventsourcing import persistence
from eventsourcing.postgres import PostgresDatastore

T = TypeVar("T")

# psycopg's exceptions and the library's, in the order get_connection maps them.
_LIBRARY_ERRORS: Sequence[tuple[type[psycopg.Error], type[Exception]]] = (
    (psycopg.InterfaceError, persistence.InterfaceError),
    (psycopg.OperationalError, persistence.OperationalError),
    (psycopg.DataError, persistence.DataError),
    (psycopg.IntegrityError, persistence.IntegrityError),
    (psycopg.InternalError, persistence.InternalError),
    (psycopg.ProgrammingError, persistence.ProgrammingError),
    (psycopg.NotSupportedError, persistence.NotSupportedError),
    (psycopg.DatabaseError, persistence.DatabaseError),
)


def library_error(error: psycopg.Error) -> Exception:
    """The library's exception for a psycopg one (as its get_connection maps it)."""
    for theirs, ours in _LIBRARY_ERRORS:
        if isinstance(error, theirs):
            return ours(str(error))
    return persistence.PersistenceError(str(error))


class ConnectionLease:
    """Per thread: the connection the current request holds, if any."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore
        self._local = threading.local()

    def begin(self) -> None:
        """A request starts on this thread: its statements may share a connection."""
        self._local.leasing = True

    def end(self) -> None:
        """The request ends: its connection goes back to the pool."""
        local = self._local
        local.leasing = False
        conn = local.__dict__.pop("conn", None)
        if conn is not None:
            self.datastore.pool.putconn(conn)

    def run(self, statement: Callable[[Any], T]) -> T:
        """`statement(conn)` on the request's connection, or on a pooled one."""
        local = self._local.__dict__
        conn = local.get("conn")
        if conn is None:
            conn = self._checkout()
            if local.get("leasing"):
                local["conn"] = conn
        try:
            result = statement(conn)
        except BaseException as error:
            self._give_back(conn)
            if isinstance(error, psycopg.Error):
                raise library_error(error) from error
            raise
        if local.get("conn") is not conn:
            self.datastore.pool.putconn(conn)
        return result

    def _give_back(self, conn: Any) -> None:
        local = self._local.__dict__
        if local.get("conn") is conn:
            del local["conn"]
        self.datastore.pool.putconn(conn)

    def _checkout(self) -> Any:
        pool = self.datastore.pool
        try:
            if pool.closed:
                timeout = self.datastore.pool_open_timeout
                pool.open(timeout is not None, timeout or 30.0)
            return pool.getconn()
        except psycopg.Error as error:
            raise library_error(error) from error
