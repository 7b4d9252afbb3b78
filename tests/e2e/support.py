"""Helpers for HTTP tests: set a merchant up and issue cards through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient

ADMIN_TOKEN = "test-admin-token"
PLATFORM = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def bearer(token: str, **extra: str) -> dict[str, str]:
    """Authorization headers for a bearer token (plus any extra headers)."""
    return {"Authorization": f"Bearer {token}", **extra}


@dataclass(frozen=True)
class MerchantSetup:
    """A merchant made through the API, with the credentials tests need."""

    merchant_id: str
    site_id: str
    location_id: str
    pos_token: str
    admin_token: str
    currency: str

    @property
    def pos(self) -> dict[str, str]:
        """POS bearer headers."""
        return bearer(self.pos_token)

    @property
    def admin(self) -> dict[str, str]:
        """Headers of this merchant's own admin credential."""
        return bearer(self.admin_token)

    @property
    def path(self) -> str:
        """The merchant's admin API prefix."""
        return f"/v1/merchants/{self.merchant_id}"


def created(response: Any, status: int = 201) -> dict[str, Any]:
    """The JSON of a response that must have the given status."""
    assert response.status_code == status, (response.status_code, response.json)
    return response.json  # type: ignore[no-any-return]


def set_up_merchant(
    client: FlaskClient, name: str, currency: str, location_id: str
) -> MerchantSetup:
    """Register a merchant, a site, a POS and an admin credential via the API."""
    body = {"name": name, "currency": currency}
    merchant_id = created(client.post("/v1/merchants", json=body, headers=PLATFORM))[
        "merchant_id"
    ]
    path = f"/v1/merchants/{merchant_id}"
    site = {"name": "Main", "lightspeed_business_location_id": location_id}
    site_id = created(client.post(f"{path}/sites", json=site, headers=PLATFORM))[
        "site_id"
    ]
    tokens = [
        created(
            client.post(f"{path}/credentials", json={"kind": kind}, headers=PLATFORM)
        )["secret"]
        for kind in ("pos", "admin")
    ]
    return MerchantSetup(merchant_id, site_id, location_id, *tokens, currency)


def issue_card(
    client: FlaskClient,
    merchant: MerchantSetup,
    amount: int = 5000,
    code: str | None = None,
    **extra: Any,
) -> str:
    """Issue a card (generated code unless given) and return its full code."""
    body: dict[str, Any] = {"amount": amount, "currency": merchant.currency, **extra}
    if code is not None:
        body["code"] = code
    answer = created(client.post(f"{merchant.path}/cards", json=body, headers=PLATFORM))
    return code if code is not None else answer["code"]


def hold_body(merchant: MerchantSetup, code: str, amount: int, **extra: Any) -> dict:
    """A POS hold request for a card."""
    return {
        "card_code": code,
        "amount": amount,
        "currency": merchant.currency,
        "business_location_id": merchant.location_id,
        "account_id": "81",
        **extra,
    }


def redemption_body(
    merchant: MerchantSetup, code: str, amount: int, **extra: Any
) -> dict:
    """A POS redemption request for a card."""
    return {
        "card_code": code,
        "amount": amount,
        "currency": merchant.currency,
        "business_location_id": merchant.location_id,
        **extra,
    }
