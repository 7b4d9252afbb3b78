"""Lightspeed RTN CLOSE receipts with one gift-card payment line (sample's shape)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from functools import cache
from typing import Any

from tests.bench.seed import SAMPLES


@cache
def _sample() -> dict[str, Any]:
    text = (SAMPLES / "rtn-giftcard-payment-close.json").read_text()
    return json.loads(text)  # type: ignore[no-any-return]


def payment_receipt(account_id: str, card_code: str, amount: int) -> dict[str, Any]:
    """A CLOSE receipt paying `amount` pence with the card (plus 3.40 cash)."""
    receipt = copy.deepcopy(_sample())
    account = receipt["account"]
    gift = Decimal(amount) / 100
    total = gift + Decimal("3.40")
    account["id"] = int(account_id)
    account["accountNumber"] = f"A{account_id}"
    account["paidAmount"] = account["totalAmount"] = float(total)
    account["preTaxAmount"] = float(total)
    lines = account["transactionLines"] + account["paymentLines"]
    for n, line in enumerate(lines, start=1):
        line["id"] = int(f"{account_id}{n}")
        line["accountId"] = int(account_id)
    item = account["transactionLines"][0]
    item["amount"] = item["unitAmount"] = float(total)
    payment = account["paymentLines"][0]
    payment["amount"] = float(gift)
    payment["externalReference"] = card_code
    return receipt
