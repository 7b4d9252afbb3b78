"""The date range (domain.time_bounds): fast path, marshmallow and the domain agree.

Every schema field that loads a date-time gives the same answer through the
compiled plan (service.http.fastschema) and through marshmallow itself, at both ends
of the range and just outside; the domain check agrees with both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from marshmallow import Schema, ValidationError, fields

from domain.card_rules import check_aware
from domain.errors import InvalidRequest
from domain.time_bounds import EARLIEST, LATEST_EXCLUDED, in_range
from service.admin.schemas import CardCreate
from service.http.fastschema import fast_load
from service.lightspeed.schema import RtnReceiptSchema
from service.reads.schemas import ActivityQuery, LiabilityQuery

INSIDE = [
    "2000-01-01T00:00:00+00:00",
    "2000-01-01T14:00:00+14:00",
    "2199-12-31T23:59:59.999999+00:00",
    "2199-12-31T09:59:59.999999-14:00",
]
OUTSIDE = [
    "1999-12-31T23:59:59.999999+00:00",
    "2000-01-01T13:59:59.999999+14:00",
    "2200-01-01T00:00:00+00:00",
    "2199-12-31T10:00:00-14:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00-14:00",
    "9999-12-31T23:59:59+14:00",
]
FIELDS = [
    (CardCreate, "expires_at", {"amount": 100, "currency": "GBP"}),
    (ActivityQuery, "since", {}),
    (ActivityQuery, "until", {}),
    (LiabilityQuery, "as_of", {}),
]


def loaded(load, data):
    try:
        return "ok", load(data)
    except ValidationError as error:
        return "refused", error.messages


def date_fields(schema: Schema, prefix: str = "") -> list[str]:
    found = []
    for name, field in schema.load_fields.items():
        if isinstance(field, fields.DateTime):
            found.append(prefix + name)
        elif isinstance(field, fields.Nested):
            found += date_fields(field.schema, f"{prefix}{name}.")
    return found


def test_every_loaded_date_field_is_covered():
    # A new date-time field in a request schema must join FIELDS (and the range).
    covered = {(cls.__name__, name) for cls, name, _ in FIELDS}
    for cls in (CardCreate, ActivityQuery, LiabilityQuery, RtnReceiptSchema):
        for name in date_fields(cls()):
            assert (cls.__name__, name) in covered


@pytest.mark.parametrize(("schema_class", "field", "base"), FIELDS)
def test_fast_path_and_marshmallow_agree_on_the_range(schema_class, field, base):
    schema = schema_class()
    for moment in INSIDE:
        data = {**base, field: moment}
        fast, slow = (
            loaded(lambda d: fast_load(schema, d), data),
            loaded(schema.load, data),
        )
        assert fast == slow
        assert fast[0] == "ok" and fast[1][field] == datetime.fromisoformat(moment)
    for moment in OUTSIDE:
        data = {**base, field: moment}
        fast, slow = (
            loaded(lambda d: fast_load(schema, d), data),
            loaded(schema.load, data),
        )
        assert fast == slow
        assert fast[0] == "refused" and list(fast[1]) == [field], moment


def test_the_domain_check_agrees_and_names_the_field():
    for moment in INSIDE:
        check_aware(datetime.fromisoformat(moment), "expires_at")
    for moment in OUTSIDE:
        with pytest.raises(InvalidRequest) as refused:
            check_aware(datetime.fromisoformat(moment), "expires_at")
        assert list(refused.value.errors) == ["expires_at"]


def test_the_bounds_themselves():
    tick = timedelta(microseconds=1)
    assert in_range(EARLIEST) and not in_range(EARLIEST - tick)
    assert in_range(LATEST_EXCLUDED - tick) and not in_range(LATEST_EXCLUDED)
    east = timezone(timedelta(hours=14))
    assert not in_range(datetime(2000, 1, 1, 13, 59, tzinfo=east))
    assert in_range(datetime(2000, 1, 1, 14, 0, tzinfo=east))
    assert not in_range(datetime(2000, 1, 1))  # naive: no moment at all
    assert in_range(datetime(2026, 12, 1, tzinfo=UTC))
