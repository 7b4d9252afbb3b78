"""Helpers for the Lightspeed RTN tests: the shared samples, a receipt builder and
a webhook client that knows the merchant it posts for."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from domain.ledger import Ledger
from domain.origin import Origin

# The Lightspeed samples as shared beside the repository (../shared/lightspeed);
# tests/fixtures/lightspeed holds byte-identical copies (checked by
# tests/unit/test_lightspeed_fixtures.py) so a clone without shared/ still runs.
SHARED_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "lightspeed"
FIXTURE_SAMPLES = Path(__file__).resolve().parent / "fixtures" / "lightspeed"
SAMPLES = SHARED_SAMPLES if SHARED_SAMPLES.is_dir() else FIXTURE_SAMPLES
LOCATION = "40570261078018"
SOLD_CODE = "7741229000510001"  # the card of the shared sale and payment samples
SETTINGS = {
    "gift_card_skus": ["GC-ANY"],
    "payment_method_codes": ["GIFTCARD"],
    "card_reference_prefix": "GIFTCARD",
    "hold_ttl_seconds": 900,
}
RTN = "/v1/webhooks/lightspeed/rtn"


def sample_bytes(name: str) -> bytes:
    """A shared sample exactly as stored."""
    return (SAMPLES / name).read_bytes()


def basic(username: str, secret: str) -> dict[str, str]:
    """An HTTP Basic Authorization header."""
    pair = base64.b64encode(f"{username}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def _number(value: Decimal | int | str) -> float | int:
    # A decimal of few digits survives float: repr gives back the same decimal.
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def sale(line_id: int, amount: Any, sku: str = "GC-ANY", active: bool = True) -> dict:
    """A transaction line (negative amount: a refunded sale)."""
    amount = _number(amount)
    return {
        "id": line_id, "parentLineId": None, "amount": amount,
        "unitAmount": abs(amount),
        "quantity": 1 if amount >= 0 else -1, "itemSku": sku, "active": active,
        "itemDescription": "Gift card" if sku == "GC-ANY" else "burger",
        "subLines": [], "discounts": [], "tags": "", "phase": 0,
    }  # fmt: skip


def payment(
    line_id: int, amount: Any, method: str | None = "GIFTCARD",
    reference: str | None = None, active: bool = True, currency: str = "GBP",
) -> dict:  # fmt: skip
    """A payment line (negative amount: a refund to the payer)."""
    return {
        "id": line_id, "currencyCode": currency, "gratuityAmount": 0,
        "amount": _number(amount), "active": active, "paymentMethod": method,
        "paymentMethodDescription": method, "externalReference": reference,
        "deviceName": "iPad10", "date": 1700000000500,
    }  # fmt: skip


def receipt(
    account_id: int, *, kind: str = "CLOSE", lines: list[dict] | None = None,
    payments: list[dict] | None = None, references: list[str] | None = None,
    origin_account_id: int | None = None, cancelled: bool = False,
    location: str | int = LOCATION, currency: str = "GBP",
) -> dict[str, Any]:  # fmt: skip
    """An RTN notification shaped like Lightspeed's, with the given lines."""
    refs = [{"prefix": "GIFTCARD", "reference": r} for r in references or []]
    return {
        "notificationType": kind,
        "account": {
            "id": account_id, "uuid": None, "businessLocationId": int(location),
            "name": "Counter", "accountNumber": f"A{account_id}",
            "currencyCode": currency, "cancelled": cancelled,
            "transactionLines": lines or [], "paymentLines": payments or [],
            "externalReferences": refs, "latestExternalReferences": refs,
            "originAccountId": origin_account_id, "type": "SALE",
            "status": "closed" if kind == "CLOSE" else "open",
            "openDate": 1700000000000, "closeDate": 1700000001000,
        },
        "event": None,
        "retryCounter": 0,
        "businessLocationId": int(location),
    }  # fmt: skip


@dataclass
class Webhook:
    """A merchant set up for RTN, and a client posting as its webhook credential."""

    app: Flask
    client: FlaskClient
    merchant_id: UUID
    username: str
    secret: str

    @property
    def ledger(self) -> Ledger:
        """The app's ledger."""
        return self.app.extensions["giftledger.ledger"]  # type: ignore[no-any-return]

    @property
    def headers(self) -> dict[str, str]:
        """The webhook's Basic credentials."""
        return basic(self.username, self.secret)

    def post(self, body: dict[str, Any] | bytes, **headers: str) -> Any:
        """POST a receipt (a dict or raw bytes) to the webhook."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.client.post(
            RTN, data=data, content_type="application/json",
            headers={**self.headers, **headers},
        )  # fmt: skip

    def close(self, body: dict[str, Any] | bytes) -> dict[str, Any]:
        """POST a receipt that must be answered 200; its JSON."""
        response = self.post(body)
        assert response.status_code == 200, (response.status_code, response.json)
        return response.json  # type: ignore[no-any-return]

    def issue(self, code: str, amount: int) -> None:
        """A card of the merchant."""
        origin = Origin(source="admin", actor="test")
        self.ledger.issue_card(self.merchant_id, code, amount, "GBP", None, origin)

    def hold(self, code: str, amount: int, account_id: int) -> str:
        """A hold for a POS account, as the POS web extension places it."""
        origin = Origin(source="pos", actor="test")
        return self.ledger.place_hold(
            self.merchant_id, code, amount, "GBP", LOCATION, str(account_id), origin
        ).ref

    def card(self, code: str) -> tuple[int, int]:
        """A card's (balance, available) now."""
        card, now = self.ledger.get_card(self.merchant_id, code)
        return card.balance, card.available(now)

    def balance(self, code: str) -> int:
        """A card's balance."""
        return self.card(code)[0]

    def position(self) -> int:
        """The id of the last stored event (to see that nothing was written)."""
        return self.ledger.recorder.max_notification_id() or 0


def set_up_webhook(
    app: Flask, name: str = "Bistro", location: str = LOCATION
) -> Webhook:
    """A GBP merchant with a site, the samples' settings and a webhook credential,
    set up through the Ledger (the admin API has its own tests)."""
    ledger: Ledger = app.extensions["giftledger.ledger"]
    merchant = ledger.register_merchant(name, "GBP")
    ledger.add_site(merchant.id, "Main street", location)
    ledger.configure_lightspeed(merchant.id, SETTINGS)
    _, username, secret = ledger.issue_credential(merchant.id, "webhook")
    return Webhook(app, app.test_client(), merchant.id, username, secret)
