"""Amounts on dashboard pages: shown and typed in major units, exactly."""

from __future__ import annotations

import pytest

from domain.errors import InvalidRequest
from service.dashboard.money_format import format_money, parse_money


@pytest.mark.parametrize(("minor", "currency", "shown"), [
    (1250, "GBP", "£12.50"), (-300, "EUR", "-€3.00"), (500, "JPY", "¥500"),
    (123456789, "USD", "$1,234,567.89"), (1, "KWD", "0.001 KWD"), (0, "GBP", "£0.00"),
])  # fmt: skip
def test_format(minor: int, currency: str, shown: str) -> None:
    assert format_money(minor, currency) == shown


@pytest.mark.parametrize(("typed", "currency", "minor"), [
    ("12.50", "GBP", 1250), ("£12.5", "GBP", 1250), (" 1,234.56 ", "GBP", 123456),
    ("GBP 7", "GBP", 700), ("0.10", "GBP", 10), ("500", "JPY", 500),
    ("0.001", "KWD", 1), ("19.99", "EUR", 1999),
])  # fmt: skip
def test_parse_is_exact(typed: str, currency: str, minor: int) -> None:
    assert parse_money(typed, currency) == minor


def test_a_signed_amount_only_where_allowed() -> None:
    assert parse_money("-5", "GBP", allow_negative=True) == -500
    with pytest.raises(InvalidRequest):
        parse_money("-5", "GBP")


BAD = ["", "abc", "12.505", "1e3", "12,50", "0", "£", "NaN", "1.2.3", "5.5",
       "99999999999999999"]  # fmt: skip


@pytest.mark.parametrize("typed", BAD)
def test_bad_amounts_are_named_by_their_field(typed: str) -> None:
    currency = "JPY" if typed == "5.5" else "GBP"
    with pytest.raises(InvalidRequest) as error:
        parse_money(typed, currency, field="amount")
    assert list(error.value.errors) == ["amount"]
