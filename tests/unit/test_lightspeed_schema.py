"""Reading an RTN body: the shape we need, Lightspeed's extra fields ignored."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from domain.errors import InvalidRequest
from service.lightspeed.schema import parse_receipt
from tests.lightspeed_support import SAMPLES, payment, receipt


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_every_shared_sample_is_a_receipt(path):
    parsed = parse_receipt(path.read_bytes())
    assert parsed["notificationType"] in ("OPEN", "UPDATE", "CLOSE")
    assert parsed["businessLocationId"] == "40570261078018"
    assert parsed["account"]["id"].isdigit()


def test_amounts_are_exact_decimals_and_ids_text():
    parsed = parse_receipt(
        b'{"notificationType": "CLOSE", "businessLocationId": 7,'
        b' "account": {"id": 379610684457348, "paymentLines":'
        b' [{"id": 1, "amount": 23.4, "someNewField": {"x": [1]}}]}}'
    )
    line = parsed["account"]["paymentLines"][0]
    assert line["amount"] == Decimal("23.4") and isinstance(line["amount"], Decimal)
    assert parsed["account"]["id"] == "379610684457348"
    assert "someNewField" not in line
    assert line["active"] is True  # missing means active


def test_the_location_may_come_from_the_account_alone():
    body = receipt(1)
    del body["businessLocationId"]
    assert parse_receipt(json.dumps(body).encode())["businessLocationId"] == (
        "40570261078018"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"[]", None),
        (b"not json", None),
        (b'{"notificationType": "CLOSE"}', "account"),
        (b'{"notificationType": "DELETE", "account": {"id": 1}}', "notificationType"),
        (b'{"notificationType": "CLOSE", "account": {"id": true}}', "account.id"),
        (
            b'{"notificationType": "CLOSE", "businessLocationId": 1,'
            b' "account": {"id": 1, "paymentLines": [{"id": 1, "amount": "x"}]}}',
            "account.paymentLines.0.amount",
        ),
        (b'{"notificationType": "CLOSE", "account": {"id": 1}}', "businessLocationId"),
        (
            b'{"notificationType": "CLOSE", "businessLocationId": 1,'
            b' "account": {"id": 1, "paymentLines": [{"id": 1, "amount": NaN}]}}',
            None,
        ),
        (b"[" * 100_000 + b"]" * 100_000, None),
        (b"\xff\xfe{}", None),
    ],
)
def test_a_body_that_is_not_a_receipt_is_invalid(body, field):
    with pytest.raises(InvalidRequest) as raised:
        parse_receipt(body)
    assert raised.value.code == "invalid_request"
    if field:
        assert field in raised.value.errors


def test_null_lists_and_flags_read_as_empty_and_default():
    body = receipt(1, payments=[payment(1, "1.00")])
    account = body["account"]
    account.update(transactionLines=None, externalReferences=None, cancelled=None)
    account["paymentLines"][0]["active"] = None
    parsed = parse_receipt(json.dumps(body).encode())["account"]
    assert parsed["transactionLines"] is None
    assert parsed["cancelled"] is None
