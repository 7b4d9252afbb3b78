"""Picking a receipt's gift-card lines, in exact minor units."""

from __future__ import annotations

import json

import pytest

from domain.errors import InvalidRequest
from service.lightspeed.lines import read_lines
from service.lightspeed.schema import parse_receipt
from tests.lightspeed_support import SETTINGS, payment, receipt, sale


def lines_of(body: dict, currency: str = "GBP", settings: dict = SETTINGS):
    return read_lines(parse_receipt(json.dumps(body).encode()), settings, currency)


def test_only_gift_card_skus_and_methods_count():
    read = lines_of(
        receipt(
            9, lines=[sale(1, "50.00"), sale(2, "12.00", sku="19")],
            payments=[payment(3, "20.00"), payment(4, "42.00", method="CASH"),
                      payment(5, "1.00", method=None)],
            references=["CODE0001"],
        )
    )  # fmt: skip
    assert [(g.line_id, g.kind, g.amount) for g in read.lines] == [
        ("1", "sale", 5000),
        ("3", "payment", 2000),
    ]
    assert read.references == ("CODE0001",)
    assert read.has_gift_card_lines
    assert (read.location_id, read.account_id) == ("40570261078018", "9")


def test_negative_lines_are_reversals_and_refunds_and_zero_ones_nothing():
    read = lines_of(
        receipt(9, lines=[sale(1, "-50.00"), sale(2, "0.00")],
                payments=[payment(3, "-20.00", reference="CODE0001"),
                          payment(4, 0)], origin_account_id=8)
    )  # fmt: skip
    assert [(g.kind, g.amount, g.code) for g in read.lines] == [
        ("reversal", 5000, None),
        ("refund", 2000, "CODE0001"),
    ]
    assert read.origin_account_id == "8"


def test_inactive_lines_count_for_nothing_and_cancelled_has_no_gift_lines():
    read = lines_of(receipt(9, lines=[sale(1, "5.00", active=False)]))
    assert read.lines == () and not read.has_gift_card_lines
    cancelled = lines_of(receipt(9, lines=[sale(1, "5.00")], cancelled=True))
    assert cancelled.cancelled and not cancelled.has_gift_card_lines


@pytest.mark.parametrize(
    ("currency", "amount", "minor"),
    [("GBP", "23.4", 2340), ("JPY", "1500", 1500), ("KWD", "1.125", 1125),
     ("GBP", "20.000", 2000), ("GBP", "1E+2", 10000)],
)  # fmt: skip
def test_amounts_convert_by_the_currency_exponent(currency, amount, minor):
    body = receipt(9, payments=[payment(1, amount, currency=currency)],
                   currency=currency)  # fmt: skip
    body["account"]["paymentLines"][0]["amount"] = json.loads(amount)
    assert lines_of(body, currency).lines[0].amount == minor


@pytest.mark.parametrize(
    ("currency", "amount"), [("GBP", "20.001"), ("JPY", "1.5"), ("KWD", "0.0001")]
)
def test_an_amount_the_currency_cannot_hold_is_invalid_amount(currency, amount):
    body = receipt(9, payments=[payment(1, amount, currency=currency)],
                   currency=currency)  # fmt: skip
    with pytest.raises(InvalidRequest) as raised:
        lines_of(body, currency)
    assert raised.value.code == "invalid_amount"
    assert "account.paymentLines.0.amount" in raised.value.errors


def test_a_huge_amount_is_invalid_not_a_crash():
    body = receipt(9, payments=[payment(1, "1")])
    text = json.dumps(body).replace('"amount": 1,', '"amount": 1e999999999,')
    with pytest.raises(InvalidRequest) as raised:
        read_lines(parse_receipt(text.encode()), SETTINGS, "GBP")
    assert raised.value.code == "invalid_amount"


def test_imprecise_amounts_off_the_gift_card_lines_are_not_read():
    body = receipt(9, lines=[sale(1, "1.6667", sku="19")],
                   payments=[payment(2, "1.6667", method="CASH")])  # fmt: skip
    assert lines_of(body).lines == ()


def test_an_unsupported_currency_on_a_gift_card_line_is_invalid_currency():
    body = receipt(9, payments=[payment(1, "1.00", currency="XXX")])
    with pytest.raises(InvalidRequest) as raised:
        lines_of(body)
    assert raised.value.code == "invalid_currency"
    assert "account.paymentLines.0.currencyCode" in raised.value.errors


def test_a_gift_card_line_without_an_amount_is_invalid():
    body = receipt(9, payments=[payment(1, "1.00")])
    body["account"]["paymentLines"][0]["amount"] = None
    with pytest.raises(InvalidRequest):
        lines_of(body)
