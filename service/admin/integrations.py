"""Admin API: a merchant's Lightspeed integration settings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from marshmallow import Schema, fields, validate

from domain.merchant import DEFAULT_LIGHTSPEED, Merchant
from service.http.auth import ledger as current_ledger
from service.http.auth import require
from service.http.openapi import documented
from service.http.schemas import load

bp = Blueprint("admin_integrations", __name__, url_prefix="/v1/merchants")
ERRORS = ("invalid_request", "unauthorized", "forbidden", "merchant_not_found")
WEBHOOK_PATH = "/v1/webhooks/lightspeed/rtn"
MAX_TTL_SECONDS = 24 * 3600


def _codes(example: str) -> fields.List[str]:
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        validate=validate.Length(max=100),
        load_default=list,
        metadata={"example": [example]},
    )


class LightspeedSettings(Schema):
    """The Lightspeed settings: a PUT replaces them all (missing ones default)."""

    gift_card_skus = _codes("GC-ANY")
    payment_method_codes = _codes("GIFTCARD")
    card_reference_prefix = fields.String(
        load_default=DEFAULT_LIGHTSPEED["card_reference_prefix"],
        validate=validate.Length(min=1, max=64),
    )
    hold_ttl_seconds = fields.Integer(
        strict=True,
        load_default=DEFAULT_LIGHTSPEED["hold_ttl_seconds"],
        validate=validate.Range(min=30, max=MAX_TTL_SECONDS),
    )


class LightspeedSettingsAnswer(LightspeedSettings):
    """The settings, with the sites and the webhook path to give Lightspeed."""

    merchant_id = fields.String()
    webhook_path = fields.String()
    business_location_ids = fields.List(fields.String())


def settings_view(merchant: Merchant) -> dict[str, Any]:
    """The merchant's Lightspeed settings as the API shows them."""
    return {
        **merchant.lightspeed,
        "merchant_id": str(merchant.id),
        "webhook_path": WEBHOOK_PATH,
        "business_location_ids": [
            site["lightspeed_business_location_id"] for site in merchant.sites.values()
        ],
    }


@bp.put("/<merchant_id>/integrations/lightspeed")
@documented(
    body=LightspeedSettings,
    responses={200: LightspeedSettingsAnswer},
    errors=ERRORS,
    tags=["admin", "lightspeed"],
)
def put_lightspeed(merchant_id: str) -> Response:
    """Replace the merchant's Lightspeed settings."""
    mid = require("admin").merchant(merchant_id)
    body = load(LightspeedSettings)
    settings = {
        **body,
        # Trimmed and de-duplicated: the receipt matches them exactly.
        "gift_card_skus": _unique(body["gift_card_skus"]),
        "payment_method_codes": _unique(body["payment_method_codes"]),
        "card_reference_prefix": body["card_reference_prefix"].strip(),
    }
    merchant = current_ledger().configure_lightspeed(mid, settings)
    return jsonify(LightspeedSettingsAnswer().dump(settings_view(merchant)))


@bp.get("/<merchant_id>/integrations/lightspeed")
@documented(
    responses={200: LightspeedSettingsAnswer},
    errors=ERRORS,
    tags=["admin", "lightspeed"],
)
def get_lightspeed(merchant_id: str) -> Response:
    """The merchant's Lightspeed settings."""
    mid = require("admin").merchant(merchant_id)
    merchant = current_ledger().merchant(mid)
    return jsonify(LightspeedSettingsAnswer().dump(settings_view(merchant)))


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))
