"""Money as integer minor units of an ISO 4217 currency."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.errors import InvalidAmount, InvalidCurrency

# ISO 4217 minor-unit exponents of the currencies a merchant can trade in.
_TWO = "AED AUD BRL CAD CHF CNY CZK DKK EUR GBP HKD HUF ILS INR MXN MYR NOK NZD PHP"
_TWO_MORE = "PLN RON SAR SEK SGD THB TRY TWD USD ZAR"
CURRENCY_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(f"{_TWO} {_TWO_MORE}".split(" "), 2),
    **dict.fromkeys(["CLP", "ISK", "JPY", "KRW", "VND", "XAF", "XOF"], 0),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}

# Amounts and balances must fit a signed 64-bit BIGINT column with room for sums.
MAX_MINOR_UNITS = 10**15


def exponent(currency: str) -> int:
    """The number of minor-unit digits of an ISO 4217 currency."""
    try:
        return CURRENCY_EXPONENTS[currency]
    except (KeyError, TypeError):
        raise InvalidCurrency(f"{currency!r} is not a supported currency") from None


def check_minor(amount: object, *, allow_negative: bool = False) -> int:
    """Check an integer minor-unit amount; never accept a float or bool."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidAmount("amount must be an integer number of minor units")
    if amount == 0 or (amount < 0 and not allow_negative):
        raise InvalidAmount("amount must be a positive number of minor units")
    if abs(amount) > MAX_MINOR_UNITS:
        raise InvalidAmount(f"amount must be at most {MAX_MINOR_UNITS} minor units")
    return amount


def to_minor(major: Decimal | int | str, currency: str) -> int:
    """Convert decimal major units exactly; refuse more precision than allowed.

    Floats are refused: a binary float is not the decimal the sender wrote, so the
    edge must parse JSON numbers as Decimal (json.loads(..., parse_float=Decimal)).
    """
    places = exponent(currency)
    if isinstance(major, bool | float) or not isinstance(major, Decimal | int | str):
        raise InvalidAmount("amount must be a decimal number, not a float")
    try:
        value = Decimal(major.strip() if isinstance(major, str) else major)
    except (InvalidOperation, ValueError):
        raise InvalidAmount(f"{major!r} is not a decimal amount") from None
    if not value.is_finite():
        raise InvalidAmount("amount must be finite")
    # Integer arithmetic on the digits: Decimal context operations would round.
    sign, digits, exp = value.as_tuple()
    assert isinstance(exp, int)  # finite, checked above
    coefficient = int("".join(map(str, digits)) or "0")
    if coefficient == 0:
        return 0
    shift = exp + places
    if shift < 0:
        if -shift > len(digits) or coefficient % 10**-shift:
            raise InvalidAmount(f"{currency} amounts have at most {places} decimals")
        minor = int(coefficient // 10**-shift)
    elif len(digits) + shift > len(str(MAX_MINOR_UNITS)):
        raise InvalidAmount("amount is too large")
    else:
        minor = int(coefficient * 10**shift)
    if minor > MAX_MINOR_UNITS:
        raise InvalidAmount("amount is too large")
    return -minor if sign else minor


def to_major(minor: int, currency: str) -> Decimal:
    """Convert minor units to an exact Decimal of major units."""
    return Decimal(minor).scaleb(-exponent(currency))
