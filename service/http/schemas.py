"""Shared marshmallow pieces: strict money fields, card codes, the card and problems.

Validation decisions (the API's contract, see notes/readme-http.md):
- amounts are JSON integers of minor units: floats (even 10.0), bools, strings,
  zero, negatives (except signed adjustments) and anything above MAX_MINOR_UNITS
  are refused;
- a currency must be one of the supported ISO 4217 codes, upper case;
- card codes match CARD_CODE; a code outside it is a malformed request (400);
- unknown fields are refused; every bad field is listed in `errors`.
"""

from __future__ import annotations

import functools
import re
from typing import Any, cast

from flask import Response, jsonify
from marshmallow import Schema, ValidationError, fields, validate

from domain.card_codes import MAX_CODE_LENGTH
from domain.errors import InvalidRequest
from domain.money import CURRENCY_EXPONENTS, MAX_MINOR_UNITS
from service.http.fastschema import fast_dump, fast_load
from service.http.requests import json_body, optional_json_body

CARD_CODE_PATTERN = rf"^[A-Za-z0-9_-]{{4,{MAX_CODE_LENGTH}}}$"
CURRENCIES = sorted(CURRENCY_EXPONENTS)
ASCII_INTEGER = re.compile(r"-?[0-9]{1,18}")


class InvalidAmountFields(InvalidRequest):
    """Only the amount was wrong: 400 invalid_amount, with `errors`."""

    code = "invalid_amount"


class InvalidCurrencyFields(InvalidRequest):
    """Only the currency was wrong: 400 invalid_currency, with `errors`."""

    code = "invalid_currency"


def _meta(kwargs: dict[str, Any], **defaults: Any) -> dict[str, Any]:
    """Field kwargs with default metadata the caller's own metadata overrides."""
    return {**kwargs, "metadata": {**defaults, **kwargs.get("metadata", {})}}


def Amount(**kwargs: Any) -> fields.Integer:
    """A positive integer of minor units."""
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_MINOR_UNITS),
        **_meta(kwargs, description="integer minor units (1500 = 15.00 GBP)"),
    )


def SignedAmount(**kwargs: Any) -> fields.Integer:
    """A non-zero signed integer of minor units."""
    return fields.Integer(
        strict=True,
        validate=[
            validate.Range(min=-MAX_MINOR_UNITS, max=MAX_MINOR_UNITS),
            validate.NoneOf([0], error="must not be zero"),
        ],
        **_meta(kwargs, description="signed integer minor units, not zero"),
    )


def Currency(**kwargs: Any) -> fields.String:
    """A supported ISO 4217 code."""
    return fields.String(
        validate=validate.OneOf(CURRENCIES, error="not a supported ISO 4217 code"),
        **_meta(kwargs, example="GBP"),
    )


class FullMatch(validate.Regexp):
    """`validate.Regexp` that must match the whole value.

    Regexp uses `re.match`, so `^...$` lets a final newline through (`$` matches
    before one): "NEWLINE1\\n" would be a code of its own. The pattern stays as
    written for the OpenAPI document; only the check is a full match.
    """

    def __call__(self, value: Any) -> Any:
        """The value, if the whole of it matches."""
        regex = cast("re.Pattern[str]", self.regex)
        if not isinstance(value, str) or regex.fullmatch(value) is None:
            raise ValidationError(
                self.error.format(input=value, regex=self.regex.pattern)
            )
        return value


class QueryInteger(fields.Integer):
    """An integer in a query string: ASCII digits only, nothing around them.

    fields.Integer runs int(), which also reads Arabic-Indic or fullwidth digits
    and " 7 " as numbers.
    """

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and not ASCII_INTEGER.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def CardCode(**kwargs: Any) -> fields.String:
    """A card code: 4-64 letters, digits, `_` or `-`."""
    return fields.String(
        validate=FullMatch(CARD_CODE_PATTERN, error="4-64 letters, digits, '_' or '-'"),
        **kwargs,
    )


def Text(max_length: int, **kwargs: Any) -> fields.String:
    """A non-blank string of at most `max_length` characters."""
    return fields.String(
        validate=[
            validate.Length(min=1, max=max_length),
            validate.Regexp(r"^\s*\S", error="must not be blank"),
        ],
        **kwargs,
    )


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
