"""The two statements of every request, sent straight through libpq, in binary.

A request reads its aggregates (one query) and saves its events (one call of the
insert function). Through a cursor, psycopg spends ~50 us of Python on each: the
adapters' look-ups, its prepared-statement bookkeeping, building the rows. Here
they go through psycopg's own libpq wrapper (`psycopg.pq`, which lets go of the
GIL while it waits): prepared once per connection, parameters packed with
`struct`, results read column by column. Every other statement keeps psycopg's
cursors. Their retries (`retried`) stop as soon as the breaker (service/breaker.py)
sees the store down, so a request caught in an outage gets its 503 at once.
"""

from __future__ import annotations

import functools
import hashlib
import random
import struct
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError
from psycopg import errors, pq
from psycopg.sql import Composable

F = TypeVar("F", bound=Callable[..., Any])
ATTEMPTS, WAIT_SECONDS = 10, 0.2  # the library's own retries of its statements

UUID_OID, INT8_OID, TEXT_OID, BYTEA_OID = 2950, 20, 25, 17
ARRAY_OF = {UUID_OID: 2951, INT8_OID: 1016, TEXT_OID: 1009, BYTEA_OID: 1001}
BINARY = 1
_HEADER = struct.Struct("!iiIii")  # dimensions, has nulls, element type, length, base
_LENGTH = struct.Struct("!i")
_INT8 = struct.Struct("!q")
_OK = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)
_NO_SUCH_STATEMENT = "26000"


def retried(method: F) -> F:
    """The library's retries (10 attempts, 0.2 s apart, on a lost or refused
    connection), given up as soon as `self.store_down()` says the breaker is open:
    more attempts would only hold back the 503 the client is owed."""

    @functools.wraps(method)
    def retrying(self: Any, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return method(self, *args, **kwargs)
            except (InterfaceError, OperationalError):
                if attempt == ATTEMPTS or self.store_down():
                    raise
                time.sleep(WAIT_SECONDS * (0.95 + 0.1 * random.random()))
        raise AssertionError("unreachable")

    return cast(F, retrying)


def int8(value: int) -> bytes:
    """A bigint parameter."""
    return _INT8.pack(value)


def read_int8(raw: bytes) -> int:
    """A bigint column."""
    return int(_INT8.unpack(raw)[0])


def array(oid: int, items: Sequence[bytes]) -> bytes:
    """A one-dimensional array parameter without nulls, of encoded `items`."""
    parts = [_HEADER.pack(1, 0, oid, len(items), 1)]
    for item in items:
        parts += (_LENGTH.pack(len(item)), item)
    return b"".join(parts)


def uuid_array(values: Sequence[UUID | Any]) -> bytes:
    """A uuid[] parameter."""
    return array(UUID_OID, [value.bytes for value in values])


def numbered(sql: bytes) -> bytes:
    """psycopg's `%s` placeholders as libpq's `$1`, `$2`, ..."""
    pieces = sql.split(b"%s")
    out = [pieces[0]]
    for n, piece in enumerate(pieces[1:], start=1):
        out += (b"$%d" % n, piece)
    return b"".join(out)


class Prepared:
    """One statement, prepared on a connection the first time it runs there."""

    def __init__(self, sql: Composable, types: Sequence[int]) -> None:
        self.sql = sql  # with psycopg's %s placeholders
        self.text = self.name = b""
        self.types = list(types)
        self.formats = [BINARY] * len(self.types)

    def run(self, conn: Any, params: Sequence[bytes]) -> pq.abc.PGresult:
        """Execute on `conn` (a psycopg connection in autocommit mode).

        Raises psycopg's exception for the server's error, as a cursor would.
        """
        prepared: set[bytes] | None = getattr(conn, "giftledger_prepared", None)
        if prepared is None:
            prepared = conn.giftledger_prepared = set()
        pgconn = conn.pgconn
        if not self.text:
            self.text = numbered(self.sql.as_bytes(conn))
            # Named by content: recorders sharing a connection never clash.
            digest = hashlib.sha256(self.text + repr(self.types).encode())
            self.name = b"giftledger_" + digest.hexdigest()[:24].encode()
        for attempt in (1, 2):
            if self.name not in prepared:
                _check(pgconn, pgconn.prepare(self.name, self.text, self.types))
                prepared.add(self.name)
            result = pgconn.exec_prepared(self.name, params, self.formats, BINARY)
            if result.status in _OK:
                return cast("pq.abc.PGresult", result)
            error = _error(pgconn, result)
            if error.sqlstate == _NO_SUCH_STATEMENT and attempt == 1:
                prepared.discard(self.name)  # the session forgot it (DISCARD ALL)
                continue
            raise error
        raise AssertionError("unreachable")


def _check(pgconn: Any, result: pq.abc.PGresult) -> None:
    if result.status not in _OK:
        raise _error(pgconn, result)


def _error(pgconn: Any, result: pq.abc.PGresult) -> errors.Error:
    """The server's error; a lost connection (no SQLSTATE) is an OperationalError,
    as psycopg raises it, so the store's retries and the 503 breaker see it."""
    if pgconn.status == pq.ConnStatus.BAD or not result.error_field(
        pq.DiagnosticField.SQLSTATE
    ):
        message = result.get_error_message() or "the connection is lost"
        return errors.OperationalError(message)
    return errors.error_from_result(result)
