"""Lightspeed ids (business locations, accounts): a JSON number or a string of digits.

Lightspeed types its ids as JSON numbers (`40570261078018`); people and scripts send
them as strings. Both are accepted; the API always answers a string of digits (a
string is kept as sent), so `40570261078018` and `"40570261078018"` name one site,
as the RTN webhook's own ids do.
Floats (even `4.0`), booleans, negatives, signs, spaces and other text are refused.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import fields

DIGITS = re.compile(r"[0-9]{1,20}")
MAX_ID = 10**20 - 1  # 20 digits: far above any Lightspeed id, far below abuse
PATTERN = "^[0-9]{1,20}$"
SCHEMA = {
    "oneOf": [
        {"type": "string", "pattern": PATTERN},
        {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    ],
    "description": "a Lightspeed id: a JSON number or a string of digits; "
    "answered as a string of digits",
    "example": "40570261078018",
}


class LightspeedId(fields.Field[str]):
    """A Lightspeed id in, its canonical string of digits out."""

    default_error_messages = {
        "invalid": "must be a Lightspeed id: a JSON number or a string of digits"
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = {**SCHEMA, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str:
        kind = type(value)
        if kind is int and 0 <= value <= MAX_ID:  # type() refuses bool, a subclass
            return str(value)
        if kind is str and DIGITS.fullmatch(value):
            return str(value)
        raise self.make_error("invalid")

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else str(value)


def LightspeedIdAnswer(**kwargs: Any) -> fields.String:
    """A Lightspeed id in an answer: always a string of digits."""
    described = {"description": "a Lightspeed id, as a string of digits"}
    return fields.String(metadata={**described, **kwargs.pop("metadata", {})}, **kwargs)
