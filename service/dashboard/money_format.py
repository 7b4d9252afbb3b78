"""Money on pages: minor units shown and typed as major units, exactly."""

from __future__ import annotations

import re

from domain.errors import InvalidAmount, InvalidRequest
from domain.money import exponent, to_major, to_minor

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥", "AUD": "A$", "CAD": "C$"}
# ASCII digits only, matched whole (no "٣", no trailing newline).
_TYPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?|-?\d+(\.\d+)?|-?\.\d+", re.ASCII)


def format_money(minor: int | None, currency: str) -> str:
    """12.50 as "£12.50"; a negative amount as "-£3.00"; unknown currency by code."""
    if minor is None:
        return ""
    places = exponent(currency)
    major = to_major(abs(minor), currency)
    digits = f"{major:,.{places}f}"
    symbol = SYMBOLS.get(currency)
    text = f"{symbol}{digits}" if symbol else f"{digits} {currency}"
    return f"-{text}" if minor < 0 else text


def parse_money(
    text: str, currency: str, field: str = "amount", allow_negative: bool = False
) -> int:
    """What a person typed ("12.50", "£12.50", "1,234.5") in minor units, exactly."""
    value = text.strip().replace(" ", "")
    symbol = SYMBOLS.get(currency, "")
    negative = value.startswith("-")
    value = value.lstrip("-")
    for prefix in (symbol, currency):
        if prefix and value.upper().startswith(prefix.upper()):
            value = value[len(prefix) :]
    value = ("-" if negative else "") + value
    if not value or not _TYPED.fullmatch(value):
        raise InvalidRequest(
            "not an amount",
            {field: [f"type an amount like {format_money(1250, currency)}"]},
        )
    try:
        minor = to_minor(value.replace(",", ""), currency)
    except InvalidAmount as error:
        raise InvalidRequest(error.detail, {field: [error.detail]}) from None
    if minor == 0 or (minor < 0 and not allow_negative):
        raise InvalidRequest(
            "not a positive amount", {field: ["must be more than zero"]}
        )
    return minor
