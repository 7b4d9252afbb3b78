"""The extension's own API: pair a device with a one-time code; its settings."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Response

from domain.merchant import Merchant
from service.http.auth import ledger, require
from service.http.device_schemas import ExtensionSettings, PairedSchema, PairRequest
from service.http.openapi import documented
from service.http.schemas import answer, load

api_bp = Blueprint("pos_extension_api", __name__, url_prefix="/v1/pos-extension")


def settings_view(merchant: Merchant, site_id: str) -> dict[str, Any]:
    """What the page needs: the merchant, its site and the payment method code."""
    site = merchant.sites[site_id]
    codes = merchant.lightspeed.get("payment_method_codes") or [None]
    return {
        "merchant_name": merchant.name,
        "currency": merchant.currency,
        "site_id": site_id,
        "site_name": site["name"],
        "business_location_id": site["lightspeed_business_location_id"],
        "payment_method_code": codes[0],
    }


@api_bp.post("/pair")
@documented(
    body=PairRequest,
    responses={201: PairedSchema},
    auth="none",
    errors=("invalid_request", "pairing_code_invalid"),
    tags=["pos-extension"],
)
def pair() -> Response:
    """Exchange a one-time pairing code for this device's credential (shown once)."""
    body = load(PairRequest)
    paired = ledger().pair_device(body["code"], body["device_name"])
    merchant = ledger().merchant(paired.merchant_id, copy=False)
    data = {
        **settings_view(merchant, paired.site_id),
        "device_id": str(paired.device_id),
        "token": paired.token,
    }
    response = answer(PairedSchema, data, 201)
    response.headers["Cache-Control"] = "no-store"
    return response


@api_bp.get("/settings")
@documented(
    responses={200: ExtensionSettings},
    errors=("unauthorized", "forbidden"),
    tags=["pos-extension"],
)
def settings() -> Response:
    """The paired device's merchant, site and gift-card payment method code."""
    principal = require("device")
    merchant = ledger().merchant(UUID(str(principal.merchant_id)), copy=False)
    return answer(ExtensionSettings, settings_view(merchant, str(principal.site_id)))
