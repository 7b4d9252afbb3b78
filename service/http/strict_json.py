"""The one JSON parser every request body goes through: strict, bounded, text only.

A body is refused (400 invalid_request) when it is not UTF-8, not JSON, nested
deeper than MAX_DEPTH, repeats a key in one object (`{"amount": 1, "amount": 5}`
is an ambiguous payment instruction, not "the last one wins"), uses NaN or
Infinity, or holds a string that is not text: a lone surrogate (`"\\ud800"`)
cannot be encoded as UTF-8 (hashes, event payloads and logs all encode it) and
U+0000 cannot be stored in a PostgreSQL text column.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from domain.errors import InvalidRequest

# Far more than any body of the API needs (an RTN receipt uses four levels).
MAX_DEPTH = 32
NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


class DuplicateKey(ValueError):
    """A JSON object names the same key twice."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)  # at C speed; a repeated key shows as a shorter dict
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return obj


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


# Built once: json.loads with any option builds a decoder (and its scanner) per call.
DECODERS = {
    exact: json.JSONDecoder(
        object_pairs_hook=_unique,
        parse_constant=_no_constants,
        parse_float=Decimal if exact else float,
    )
    for exact in (False, True)
}


def parse(raw: bytes, *, exact_numbers: bool = False) -> Any:
    """The JSON document in a body; `exact_numbers` reads fractions as Decimal."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest("the body is not UTF-8 text") from None
    try:
        document = DECODERS[exact_numbers].decode(text)
    except DuplicateKey as error:
        raise InvalidRequest(
            "the body names a field twice",
            {str(error): ["given more than once in one object"]},
        ) from None
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        raise InvalidRequest("the body is not a JSON document") from None
    if "\\u" in text:
        # Only an escape can make a lone surrogate or U+0000: UTF-8 cannot carry
        # the one, and JSON refuses the other raw. So only then read every string.
        _check(document)
    elif text.count("{") + text.count("[") > MAX_DEPTH:
        _depth(document)  # fewer brackets than that cannot nest that deep
    return document


def _too_deep() -> InvalidRequest:
    return InvalidRequest(f"the body is nested deeper than {MAX_DEPTH} levels")


def _check(document: Any) -> None:
    """Depth and text of every value, walked without recursion."""
    stack: list[tuple[Any, int, str]] = [(document, 0, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            _text(value, path)
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise _too_deep()
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                where = f"{path}.{key}" if path else str(key)
                if isinstance(key, str):
                    _text(key, where)
                stack.append((item, depth + 1, where))


def _depth(document: Any) -> None:
    """Depth alone, walked without recursion (containers only)."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if depth >= MAX_DEPTH:
            raise _too_deep()
        children = value.values() if isinstance(value, dict) else value
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))


def _text(value: str, path: str) -> None:
    if NOT_TEXT.search(value):
        raise InvalidRequest(
            "the body holds a string that is not text",
            {path or "body": ["a lone surrogate or U+0000 is not text"]},
        )
