"""Money: exact conversion by the currency's exponent, integers only, bounded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidAmount, InvalidCurrency
from domain.money import (
    CURRENCY_EXPONENTS,
    MAX_MINOR_UNITS,
    check_minor,
    exponent,
    to_major,
    to_minor,
)


@pytest.mark.parametrize(
    ("currency", "places"), [("GBP", 2), ("EUR", 2), ("JPY", 0), ("KWD", 3)]
)
def test_exponents_follow_iso_4217(currency, places):
    assert exponent(currency) == places


@pytest.mark.parametrize("currency", ["gbp", "XXX", "", None, 826, "GBPX"])
def test_unknown_currencies_are_refused(currency):
    with pytest.raises(InvalidCurrency):
        exponent(currency)


@pytest.mark.parametrize(
    ("major", "currency", "minor"),
    [
        ("12.50", "GBP", 1250),
        ("12.5", "GBP", 1250),
        ("0.01", "GBP", 1),
        (Decimal("12.3400"), "GBP", 1234),
        ("100", "JPY", 100),
        (7, "JPY", 7),
        ("1.234", "KWD", 1234),
        ("0.001", "KWD", 1),
        ("-3.10", "GBP", -310),
        ("1E+2", "GBP", 10000),
        ("0.00", "GBP", 0),
        (" 4.20 ", "GBP", 420),
        ("10000000000000.00", "GBP", MAX_MINOR_UNITS),
    ],
)
def test_major_units_convert_exactly(major, currency, minor):
    assert to_minor(major, currency) == minor


@pytest.mark.parametrize(
    ("major", "currency"),
    [
        ("12.345", "GBP"),
        ("0.5", "JPY"),
        ("1.2345", "KWD"),
        ("0.001", "GBP"),
        # 29 significant digits: Decimal arithmetic would round this to 100.
        ("1.0000000000000000000000000001", "GBP"),
        ("1e-999999999", "GBP"),
    ],
)
def test_more_precision_than_the_currency_allows_is_refused_not_rounded(
    major, currency
):
    with pytest.raises(InvalidAmount, match="decimals"):
        to_minor(major, currency)


@pytest.mark.parametrize(
    "major", ["10000000000000.01", "1e999999999", "-1e30", str(10**16)]
)
def test_amounts_beyond_the_bound_are_refused(major):
    with pytest.raises(InvalidAmount, match="too large"):
        to_minor(major, "GBP")


@pytest.mark.parametrize(
    "major", [1.5, 0.1, True, False, None, "abc", "", "NaN", "Infinity", [1], "1,5"]
)
def test_floats_bools_and_non_numbers_are_refused(major):
    with pytest.raises(InvalidAmount):
        to_minor(major, "GBP")


def test_conversion_checks_the_currency_first():
    with pytest.raises(InvalidCurrency):
        to_minor("1.00", "XYZ")


@settings(max_examples=200, deadline=None)
@given(
    st.integers(-MAX_MINOR_UNITS, MAX_MINOR_UNITS),
    st.sampled_from(sorted(CURRENCY_EXPONENTS)),
)
def test_major_and_minor_units_round_trip(minor, currency):
    major = to_major(minor, currency)
    assert to_minor(major, currency) == minor
    assert to_minor(str(major), currency) == minor
    # The major form never carries more decimals than the currency has.
    assert -major.as_tuple().exponent <= max(exponent(currency), 0) or minor == 0


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=-(10**14), max_value=10**14, places=4))
def test_a_decimal_converts_iff_it_is_a_whole_number_of_pence(value):
    pence = value * 100
    if pence == pence.to_integral_value() and abs(pence) <= MAX_MINOR_UNITS:
        assert to_minor(value, "GBP") == int(pence)
    else:
        with pytest.raises(InvalidAmount):
            to_minor(value, "GBP")


@pytest.mark.parametrize("amount", [1, 1500, MAX_MINOR_UNITS])
def test_positive_integer_minor_units_are_accepted(amount):
    assert check_minor(amount) == amount


@pytest.mark.parametrize(
    "amount", [0, -1, MAX_MINOR_UNITS + 1, 1.0, 15.5, True, False, "100", None]
)
def test_minor_units_must_be_positive_bounded_integers(amount):
    with pytest.raises(InvalidAmount):
        check_minor(amount)


def test_signed_minor_units_when_allowed_but_never_zero():
    assert check_minor(-500, allow_negative=True) == -500
    with pytest.raises(InvalidAmount):
        check_minor(0, allow_negative=True)
    with pytest.raises(InvalidAmount):
        check_minor(-MAX_MINOR_UNITS - 1, allow_negative=True)
