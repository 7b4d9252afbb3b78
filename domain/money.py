"""Money as integer minor units of an ISO 4217 currency."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.errors import InvalidAmount, InvalidCurrency

# ISO 4217 minor-unit exponents of the currencies a merchant can trade in.
CURRENCY_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        "AED AUD BRL CAD CHF CNY CZK DKK EUR GBP HKD HUF ILS INR MXN MYR NOK NZD "
        "PHP PLN RON SAR SEK SGD THB TRY TWD USD ZAR".split(),
        2,
    ),
    **dict.fromkeys("CLP ISK JPY KRW VND XAF XOF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}

# Amounts must fit a signed 64-bit BIGINT column with room for sums.
MAX_MINOR_UNITS = 10**15


def exponent(currency: str) -> int:
    """The number of minor-unit digits of an ISO 4217 currency."""
    try:
        return CURRENCY_EXPONENTS[currency]
    except (KeyError, TypeError):
        raise InvalidCurrency(f"{currency!r} is not a supported ISO 4217 code") from None


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
    """Convert decimal major units exactly; refuse more precision than allowed."""
    places = exponent(currency)
    try:
        value = Decimal(str(major))
    except (InvalidOperation, ValueError):
        raise InvalidAmount(f"{major!r} is not a decimal amount") from None
    if not value.is_finite():
        raise InvalidAmount("amount must be finite")
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        raise InvalidAmount(f"{currency} amounts have at most {places} decimals")
    result = int(minor)
    if abs(result) > MAX_MINOR_UNITS:
        raise InvalidAmount("amount is too large")
    return result


def to_major(minor: int, currency: str) -> Decimal:
    """Convert minor units to an exact Decimal of major units."""
    return Decimal(minor).scaleb(-exponent(currency))
