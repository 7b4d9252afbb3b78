"""The libpq path of the hot statements (service/store/pg_wire.py), on PostgreSQL only.

Parameters packed by hand must mean to the server what they mean to us; a server
error must surface as psycopg's exception; a connection that lost its prepared
statements or its server must not break a save or a read for good.
"""

from __future__ import annotations

import os
import socket
from uuid import uuid4

import psycopg
import pytest
from psycopg.sql import SQL

from domain.ledger import Ledger
from domain.origin import Origin
from service.store.pg_store import LedgerRecorder
from service.store.pg_wire import (
    ARRAY_OF,
    BYTEA_OID,
    INT8_OID,
    TEXT_OID,
    UUID_OID,
    Prepared,
    array,
    int8,
    uuid_array,
)

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
ARRAYS = [ARRAY_OF[oid] for oid in (UUID_OID, INT8_OID, TEXT_OID, BYTEA_OID)]
AS_TEXT = SQL("SELECT %s::text, %s::text, %s::text, %s::text")


@pytest.fixture
def conn(config) -> psycopg.Connection:
    with psycopg.connect(config.database_url, autocommit=True) as connection:
        yield connection


def test_packed_arrays_mean_to_the_server_what_they_mean_here(conn):
    ids = [uuid4(), uuid4()]
    result = Prepared(AS_TEXT, ARRAYS).run(
        conn,
        [
            uuid_array(ids),
            array(INT8_OID, [int8(n) for n in (1, -5, 2**63 - 1)]),
            array(TEXT_OID, [t.encode() for t in ("a", "b c", 'q"x', "é,{}")]),
            array(BYTEA_OID, [b"\x00\xff", b"", b'{"amount": 1}']),
        ],
    )
    row = [result.get_value(0, n).decode() for n in range(4)]
    assert row == [
        "{" + ",".join(map(str, ids)) + "}",
        "{1,-5,9223372036854775807}",
        '{a,"b c","q\\"x","é,{}"}',
        '{"\\\\x00ff","\\\\x","\\\\x7b22616d6f756e74223a20317d"}',
    ]


def test_a_server_error_is_psycopgs_exception(conn):
    divide = Prepared(SQL("SELECT 1 / %s::bigint"), [20])
    with pytest.raises(psycopg.errors.DivisionByZero):
        divide.run(conn, [int8(0)])
    assert divide.run(conn, [int8(1)]).get_value(0, 0) is not None  # still usable


def test_a_session_that_forgot_its_statements_prepares_them_again(conn):
    statement = Prepared(AS_TEXT, ARRAYS)
    args = [uuid_array([uuid4()]), array(INT8_OID, [int8(7)]), array(TEXT_OID, [b"t"])]
    args.append(array(BYTEA_OID, [b"s"]))
    assert statement.run(conn, args).get_value(0, 1) == b"{7}"
    conn.execute("DISCARD ALL")
    assert statement.run(conn, args).get_value(0, 1) == b"{7}"


def test_a_lost_connection_is_an_operational_error(conn, config):
    statement = Prepared(SQL("SELECT %s::bigint"), [20])
    statement.run(conn, [int8(1)])
    with psycopg.connect(config.database_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
    with pytest.raises(psycopg.OperationalError):
        statement.run(conn, [int8(1)])
    assert conn.closed  # the pool sees it and replaces it


def test_saves_and_reads_go_on_after_the_server_dropped_every_connection(
    ledger: Ledger, config
):
    assert isinstance(ledger.recorder, LedgerRecorder)
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", "4057")
    origin = Origin(source="pos")
    ledger.issue_card(merchant.id, "77412290000001", 1_000, "GBP", None, origin)
    with psycopg.connect(config.database_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    ledger.redeem(merchant.id, "77412290000001", 100, "GBP", "4057", None, origin)
    assert ledger.get_card(merchant.id, "77412290000001")[0].balance == 900


def test_a_connection_cut_without_a_word_is_an_operational_error(conn):
    statement = Prepared(SQL("SELECT %s::bigint"), [20])
    statement.run(conn, [int8(1)])
    cut = socket.socket(fileno=os.dup(conn.pgconn.socket))
    cut.shutdown(socket.SHUT_RDWR)  # no error message from the server: no SQLSTATE
    cut.close()
    with pytest.raises(psycopg.OperationalError):
        statement.run(conn, [int8(1)])
