"""Query and answer schemas of the read API (activity, liability), and its cursors."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError, fields, validate

from domain.errors import InvalidRequest
from service.http.activity import TYPES, ActivityItem
from service.http.field_types import QueryInteger
from service.http.moments import InRange, range_metadata
from service.http.schemas import refuse

MAX_LIMIT = 500


class Moment(fields.DateTime):
    """An ISO 8601 timestamp; one without a zone is taken as UTC."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=InRange(), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        moment = super()._deserialize(value, attr, data, **kwargs)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ActivityQuery(Schema):
    """Filters and paging of a card's activity."""

    type = fields.List(
        fields.String(validate=validate.OneOf(TYPES)),
        metadata={"description": "activity types, comma-separated or repeated"},
    )
    since = Moment(metadata=range_metadata("recorded at or after (ISO 8601)"))
    until = Moment(metadata=range_metadata("recorded before (ISO 8601)"))
    limit = QueryInteger(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(validate=validate.Length(max=64))
    min_position = QueryInteger(
        validate=validate.Range(min=0),
        metadata={"description": "wait until the read models reach this position"},
    )


class LiabilityQuery(Schema):
    """When and where to total the outstanding balances."""

    as_of = Moment(metadata=range_metadata("the figure at this moment (ISO 8601)"))
    site_id = fields.String(validate=validate.Length(min=1, max=64))
    min_position = QueryInteger(validate=validate.Range(min=0))


class ActivityPage(Schema):
    """A page of activity."""

    items = fields.List(fields.Nested(ActivityItem))
    next_cursor = fields.String(allow_none=True)


class SiteLiability(Schema):
    """Outstanding balance of the cards one site sold (site null: admin-issued)."""

    site_id = fields.String(allow_none=True)
    currency = fields.String()
    outstanding = fields.Integer()


class CurrencyLiability(Schema):
    """Outstanding balance in one currency."""

    currency = fields.String()
    outstanding = fields.Integer()


class LiabilityAnswer(Schema):
    """A merchant's gift-card liability."""

    merchant_id = fields.UUID()
    as_of = fields.AwareDateTime(allow_none=True)
    totals = fields.List(fields.Nested(CurrencyLiability))
    sites = fields.List(fields.Nested(SiteLiability))


def query_args(schema: Schema, multi: Sequence[str] = ()) -> dict[str, Any]:
    """The query string, validated; `multi` fields take repeats and commas."""
    raw: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        if key in multi:
            raw[key] = [v for value in values for v in value.split(",") if v]
        else:
            raw[key] = values[-1]
    try:
        return schema.load(raw)  # type: ignore[no-any-return]
    except ValidationError as error:
        raise refuse(error.messages_dict) from None


def activity_item(row: dict[str, Any]) -> dict[str, Any]:
    """The API's activity item from a card_activity row."""
    item = dict(row)
    item["balance_change"] = item.pop("delta")
    item["recorded_at"] = row["recorded_at"].replace(tzinfo=UTC)
    return item


def encode_cursor(position: int) -> str:
    """An opaque cursor: the page continues after this position."""
    return base64.urlsafe_b64encode(f"a:{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The position a cursor continues after (0 without one)."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, position = text.partition(":")
        if kind == "a" and re.fullmatch(r"[0-9]{1,18}", position):
            return int(position)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidRequest("the cursor is not valid", {"cursor": ["not from this API"]})


def aware(moment: datetime | None) -> datetime | None:
    """A stored UTC timestamp with its zone."""
    return moment.replace(tzinfo=UTC) if moment else None
