"""A merchant with a card, a hold, a redemption and a webhook, and a good body for
every documented operation, for the hostile-field sweep."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.e2e.support import PLATFORM, MerchantSetup, created, issue_card
from tests.hostile_fields import Operation, Sent
from tests.integration.projection_helpers import catch_up, engine_for
from tests.lightspeed_support import SETTINGS, basic, payment, receipt


@dataclass
class Target:
    """What the sweep's requests point at."""

    merchant: MerchantSetup
    code: str
    hold_id: str
    redemption_id: str
    webhook: dict[str, str]

    def fill(self) -> dict[str, str]:
        """Path parameters that exist (ids nobody has for the rest)."""
        return {
            "merchant_id": self.merchant.merchant_id,
            "code": self.code,
            "hold_id": self.hold_id,
            "redemption_id": self.redemption_id,
            # Never a real credential: a hostile DELETE must not revoke the token.
            "credential_id": str(uuid.uuid4()),
            "exception_id": str(uuid.uuid4()),
            "receipt_id": str(uuid.uuid4()),
            "site_id": self.merchant.site_id,
            # Never a real device either: a hostile DELETE must not revoke one.
            "device_id": str(uuid.uuid4()),
        }

    def auth(self, path: str) -> dict[str, str]:
        """Valid credentials of the right kind, so validation is what is tested."""
        if path.startswith("/v1/pos"):
            return dict(self.merchant.pos)
        if path.startswith("/v1/webhooks"):
            return dict(self.webhook)
        return dict(PLATFORM)

    def good_body(self, op: Operation) -> Any:
        """A body the operation would accept (values by field name, then enums)."""
        if op.body is None:
            return None
        if op.path.startswith("/v1/webhooks"):
            pay = payment(1, "0.01", reference=self.code)
            return receipt(900001, payments=[pay], location=self.merchant.location_id)
        good = {
            "card_code": self.code,
            "amount": 1,
            "currency": self.merchant.currency,
            "business_location_id": self.merchant.location_id,
            "account_id": "1",
            "name": "Hostile",
            "reason": "other",
            "note": "checked",
            "lightspeed_business_location_id": "HOSTILE-LOCATION",
            "kind": "pos",
        }
        body = {}
        for name, schema in op.body.get("properties", {}).items():
            if name in good:
                body[name] = good[name]
            elif schema.get("enum"):
                body[name] = schema["enum"][0]
        return body


def set_up_target(app: Flask, client: FlaskClient, merchant: MerchantSetup) -> Target:
    """A card of 10,000.00, a hold and a redemption on it, a webhook credential."""
    code = issue_card(client, merchant, amount=1_000_000, code="HOSTILE0001")
    hold = {
        "card_code": code,
        "amount": 1,
        "currency": merchant.currency,
        "business_location_id": merchant.location_id,
        "account_id": "1",
    }
    hold_id = created(client.post("/v1/pos/holds", json=hold, headers=merchant.pos))
    spend = {k: v for k, v in hold.items() if k != "account_id"}
    spent = created(
        client.post("/v1/pos/redemptions", json=spend, headers=merchant.pos)
    )
    ledger = app.extensions["giftledger.ledger"]
    mid = uuid.UUID(merchant.merchant_id)
    ledger.configure_lightspeed(mid, SETTINGS)
    _, username, secret = ledger.issue_credential(mid, "webhook")
    # Read models caught up, so a small min_position is reached, not waited for.
    engine = engine_for(app.config["GIFTLEDGER"].database_url)
    catch_up(engine, ledger)
    engine.dispose()
    return Target(
        merchant,
        code,
        hold_id["hold_id"],
        spent["redemption_id"],
        basic(username, secret),
    )


def send(client: FlaskClient, sent: Sent) -> Any:
    """Send a hostile request as raw as the test client allows."""
    headers = dict(sent.headers)
    if sent.body is not None:
        headers.setdefault("Content-Type", "application/json")
    return client.open(sent.url(), method=sent.method, data=sent.body, headers=headers)
