"""The API's marshmallow fields: money, currencies, card codes, text, query integers."""

from __future__ import annotations

import re
from typing import Any, cast

from marshmallow import ValidationError, fields, validate

from domain.card_codes import MAX_CODE_LENGTH
from domain.money import CURRENCY_EXPONENTS, MAX_MINOR_UNITS

CARD_CODE_PATTERN = rf"^[A-Za-z0-9_-]{{4,{MAX_CODE_LENGTH}}}$"
CURRENCIES = sorted(CURRENCY_EXPONENTS)
ASCII_INTEGER = re.compile(r"-?[0-9]{1,18}")


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
