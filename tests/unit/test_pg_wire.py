"""Packing parameters for libpq, and the breaker-aware retries (pg_wire.py);
the server's view of the packing is in tests/integration/test_pg_wire.py."""

from __future__ import annotations

from uuid import UUID

import pytest
from eventsourcing.persistence import OperationalError

from service.store import pg_wire
from service.store.pg_wire import (
    INT8_OID,
    array,
    int8,
    numbered,
    read_int8,
    retried,
    uuid_array,
)


def test_placeholders_are_numbered_in_order():
    assert numbered(b"f(%s, %s) WHERE x = %s") == b"f($1, $2) WHERE x = $3"
    assert numbered(b"SELECT 1") == b"SELECT 1"


def test_an_array_is_a_header_then_each_item_with_its_length():
    packed = array(INT8_OID, [int8(1), int8(-1)])
    header = (1).to_bytes(4, "big") + bytes(4) + (20).to_bytes(4, "big")
    header += (2).to_bytes(4, "big") + (1).to_bytes(4, "big")
    items = (8).to_bytes(4, "big") + (1).to_bytes(8, "big")
    items += (8).to_bytes(4, "big") + (-1).to_bytes(8, "big", signed=True)
    assert packed == header + items


def test_ints_and_uuids_round_trip():
    assert [read_int8(int8(n)) for n in (0, -(2**63), 2**63 - 1)] == [
        0, -(2**63), 2**63 - 1,
    ]  # fmt: skip
    some = UUID("12345678-1234-5678-1234-567812345678")
    assert uuid_array([some]).endswith((16).to_bytes(4, "big") + some.bytes)


class Store:
    """A store whose statement fails `failures` times; the breaker's view."""

    def __init__(self, failures: int, down_after: int | None = None) -> None:
        self.failures, self.down_after, self.calls = failures, down_after, 0

    def store_down(self) -> bool:
        return self.down_after is not None and self.calls >= self.down_after

    @retried
    def statement(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise OperationalError("connection lost")
        return "answered"


def test_a_lost_connection_is_tried_again_while_the_breaker_is_closed(monkeypatch):
    monkeypatch.setattr(pg_wire, "WAIT_SECONDS", 0)
    store = Store(failures=3)
    assert store.statement() == "answered"
    assert store.calls == 4
    hopeless = Store(failures=99)
    with pytest.raises(OperationalError):
        hopeless.statement()
    assert hopeless.calls == pg_wire.ATTEMPTS


def test_retries_stop_once_the_breaker_is_open(monkeypatch):
    monkeypatch.setattr(pg_wire, "WAIT_SECONDS", 0)
    store = Store(failures=99, down_after=2)  # the watcher notices after 2 tries
    with pytest.raises(OperationalError):
        store.statement()
    assert store.calls == 2
