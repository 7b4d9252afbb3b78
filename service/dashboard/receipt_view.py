"""A stored Lightspeed receipt, as a person reads it: its lines and its raw payload."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.errors import LedgerError, NotFound
from domain.money import to_minor
from service.http.auth import ledger


def _minor(amount: Any, currency: str | None) -> int | None:
    """A receipt's major-unit amount in minor units, exactly (None: no amount)."""
    if currency is None or isinstance(amount, bool):
        return None
    try:
        return to_minor(
            amount if isinstance(amount, Decimal | int) else str(amount), currency
        )
    except LedgerError:
        return None


def _lines(account: dict[str, Any]) -> list[dict[str, Any]]:
    """Item and payment lines, amounts as the receipt wrote them (major units)."""
    currency = account.get("currencyCode")
    items = [
        {
            "kind": "item",
            "line_id": str(line.get("id")),
            "text": line.get("itemDescription") or line.get("nameOverride") or "",
            "sku": line.get("itemSku"),
            "quantity": line.get("quantity"),
            "amount": line.get("amount"),
            "active": line.get("active") is not False,
        }
        for line in account.get("transactionLines") or []
    ]
    payments = [
        {
            "kind": "payment",
            "line_id": str(line.get("id")),
            "text": line.get("paymentMethodDescription") or "",
            "sku": line.get("paymentMethod"),
            "quantity": None,
            "amount": line.get("amount"),
            "active": line.get("active") is not False,
        }
        for line in account.get("paymentLines") or []
    ]
    for line in items + payments:
        line["currency"] = currency
        line["minor"] = _minor(line["amount"], currency)
    return items + payments


def receipt_page(merchant_id: UUID, receipt_id: str) -> dict[str, Any]:
    """A receipt of the merchant with its lines, outcomes and raw payload as stored."""
    try:
        rid = UUID(receipt_id)
    except ValueError:
        raise NotFound("no receipt with that id") from None
    stored = ledger().stored_receipt(merchant_id, rid)
    raw = stored["payload"]
    try:
        # Decimal, never float: the amounts stay as the receipt wrote them.
        body = json.loads(raw, parse_float=Decimal)
    except ValueError:
        body = None
    account = body.get("account") if isinstance(body, dict) else None
    lines = _lines(account) if isinstance(account, dict) else []
    return {**stored, "lines": lines}
