"""Shared marshmallow pieces: loading bodies, refusing bad fields, the card, problems.

Validation decisions (the API's contract, see notes/readme-http.md):
- amounts are JSON integers of minor units: floats (even 10.0), bools, strings,
  zero, negatives (except signed adjustments) and anything above MAX_MINOR_UNITS
  are refused;
- a currency must be one of the supported ISO 4217 codes, upper case;
- card codes match CARD_CODE; a code outside it is a malformed request (400);
- unknown fields are refused; every bad field is listed in `errors`.
The fields themselves: service.http.field_types.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Response, jsonify
from marshmallow import Schema, ValidationError, fields

from domain.errors import InvalidRequest
from service.http.fastschema import fast_dump, fast_load
from service.http.field_types import CardCode
from service.http.requests import json_body, optional_json_body


class InvalidAmountFields(InvalidRequest):
    """Only the amount was wrong: 400 invalid_amount, with `errors`."""

    code = "invalid_amount"


class InvalidCurrencyFields(InvalidRequest):
    """Only the currency was wrong: 400 invalid_currency, with `errors`."""

    code = "invalid_currency"


def refuse(errors: dict[str, Any]) -> InvalidRequest:
    """The error for a set of bad fields: the money codes when only they are bad."""
    listed = {k: v if isinstance(v, list) else [str(v)] for k, v in errors.items()}
    if set(listed) == {"amount"}:
        return InvalidAmountFields("the amount is not valid", listed)
    if set(listed) == {"currency"}:
        return InvalidCurrencyFields("the currency is not valid", listed)
    return InvalidRequest("the request has invalid fields", listed)


@functools.cache
def _instance(schema_class: type[Schema]) -> Schema:
    # A Schema() deep-copies its declared fields: build each one once per process.
    return schema_class()


def _schema(schema: Schema | type[Schema]) -> Schema:
    return _instance(schema) if isinstance(schema, type) else schema


def load(schema: Schema | type[Schema], *, optional: bool = False) -> dict[str, Any]:
    """The request's JSON body, validated; every bad field is reported at once."""
    schema = _schema(schema)
    try:
        return optional_json_body(schema) if optional else json_body(schema)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        raise refuse(messages) from None


def check_code(code: str) -> str:
    """A card code from a path; outside the pattern it is a malformed request."""
    try:
        return fast_load(_instance(CodePath), {"code": code})["code"]  # type: ignore[no-any-return]
    except ValidationError as error:
        raise refuse(error.messages_dict) from None


def answer(schema: Schema | type[Schema], data: Any, status: int = 200) -> Response:
    """A JSON answer, dumped through its schema (ISO 8601 times, str ids)."""
    response = jsonify(fast_dump(_schema(schema), data))
    response.status_code = status
    return response


class CodePath(Schema):
    """A card code in a path."""

    code = CardCode(required=True)


class CardSchema(Schema):
    """A gift card as the API shows it (never the full code)."""

    masked_code = fields.String(metadata={"example": "****0001"})
    merchant_id = fields.UUID()
    currency = fields.String()
    balance = fields.Integer()
    held = fields.Integer()
    available = fields.Integer()
    state = fields.String(metadata={"enum": ["active", "blocked", "voided", "expired"]})
    expires_at = fields.AwareDateTime(allow_none=True)
    issued_at = fields.AwareDateTime()
    version = fields.Integer()


class ProblemSchema(Schema):
    """An RFC 9457 problem+json error."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String(metadata={"example": "card_not_found"})
    request_id = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "every bad field and its messages (400 only)"},
    )
