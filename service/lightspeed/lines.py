"""A receipt's gift-card lines, in exact minor units (the only amounts we read)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.errors import InvalidAmount, InvalidCurrency
from domain.money import exponent, to_minor
from service.http.schemas import InvalidAmountFields, InvalidCurrencyFields


@dataclass(frozen=True)
class GiftLine:
    """One active gift-card line: `sale`, `reversal`, `payment` or `refund`."""

    line_id: str
    kind: str
    amount: int
    currency: str
    code: str | None = None


@dataclass(frozen=True)
class ReceiptLines:
    """What the ledger needs of a receipt."""

    notification_type: str
    location_id: str
    account_id: str
    origin_account_id: str | None
    cancelled: bool
    lines: tuple[GiftLine, ...]
    references: tuple[str, ...]

    @property
    def has_gift_card_lines(self) -> bool:
        """True when some line moves gift-card money (never on a cancelled one)."""
        return bool(self.lines) and not self.cancelled

    def of_kind(self, kind: str) -> list[GiftLine]:
        """The lines of one kind, in receipt order."""
        return [line for line in self.lines if line.kind == kind]


def read_lines(
    receipt: dict[str, Any], settings: dict[str, Any], merchant_currency: str
) -> ReceiptLines:
    """Pick the gift-card lines by the merchant's settings; inactive ones count
    for nothing, zero ones too. 400 for an amount the currency cannot hold."""
    account = receipt["account"]
    default_currency = account["currencyCode"] or merchant_currency
    skus = set(settings.get("gift_card_skus") or [])
    methods = set(settings.get("payment_method_codes") or [])
    prefix = settings.get("card_reference_prefix") or ""
    lines: list[GiftLine] = []
    for n, line in enumerate(account["transactionLines"] or []):
        if line["active"] is False or (line["itemSku"] or "").strip() not in skus:
            continue
        path = f"account.transactionLines.{n}"
        amount = _minor(line["amount"], default_currency, path, "account.currencyCode")
        if amount:
            kind = "sale" if amount > 0 else "reversal"
            lines.append(GiftLine(line["id"], kind, abs(amount), default_currency))
    for n, line in enumerate(account["paymentLines"] or []):
        if (
            line["active"] is False
            or (line["paymentMethod"] or "").strip() not in methods
        ):
            continue
        path = f"account.paymentLines.{n}"
        currency = line["currencyCode"] or default_currency
        key = f"{path}.currencyCode" if line["currencyCode"] else "account.currencyCode"
        amount = _minor(line["amount"], currency, path, key)
        code = (line["externalReference"] or "").strip() or None
        if amount:
            kind = "payment" if amount > 0 else "refund"
            lines.append(GiftLine(line["id"], kind, abs(amount), currency, code))
    references = tuple(
        ref["reference"].strip()
        for ref in account["externalReferences"] or []
        if ref["prefix"] == prefix and (ref["reference"] or "").strip()
    )
    return ReceiptLines(
        notification_type=receipt["notificationType"],
        location_id=receipt["businessLocationId"],
        account_id=account["id"],
        origin_account_id=account["originAccountId"],
        cancelled=bool(account["cancelled"]),
        lines=tuple(lines),
        references=references,
    )


def _minor(amount: Decimal | None, currency: str, path: str, currency_key: str) -> int:
    """Exact minor units of a gift-card line's amount, or a 400 naming the field."""
    try:
        exponent(currency)
    except InvalidCurrency as error:
        raise InvalidCurrencyFields(
            error.detail, {currency_key: [error.detail]}
        ) from None
    if amount is None:
        raise InvalidAmountFields(
            "a gift-card line has no amount", {f"{path}.amount": ["required"]}
        )
    try:
        return to_minor(amount, currency)
    except InvalidAmount as error:
        raise InvalidAmountFields(
            error.detail, {f"{path}.amount": [error.detail]}
        ) from None
