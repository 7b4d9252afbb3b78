"""Packing parameters for libpq (service/pg_wire.py); the server's view is in
tests/integration/test_pg_wire.py."""

from __future__ import annotations

from uuid import UUID

from service.pg_wire import INT8_OID, array, int8, numbered, read_int8, uuid_array


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
