"""Schemas of POS device pairing: codes, pairing, the device list, page settings."""

from __future__ import annotations

from marshmallow import Schema, fields

from service.http.field_types import Text
from service.http.lightspeed_ids import LightspeedIdAnswer


class PairingCodeSchema(Schema):
    """A new one-time pairing code: shown once, valid 10 minutes, single use."""

    code = fields.String(metadata={"example": "K7QM-4XTP"})
    site_id = fields.String()
    expires_at = fields.AwareDateTime()


class PairRequest(Schema):
    """What the extension sends, the first time it opens on an iPad."""

    code = Text(32, required=True, metadata={"example": "K7QM-4XTP"})
    device_name = Text(100, load_default="iPad")


class DeviceSchema(Schema):
    """A paired POS device (never its secret)."""

    device_id = fields.String()
    name = fields.String()
    site_id = fields.String()
    site_name = fields.String(allow_none=True)
    business_location_id = LightspeedIdAnswer(allow_none=True)
    paired_at = fields.AwareDateTime()
    last_seen_at = fields.AwareDateTime(allow_none=True)
    revoked = fields.Boolean()


class DeviceList(Schema):
    """A merchant's paired POS devices, newest first."""

    items = fields.List(fields.Nested(DeviceSchema))


class ExtensionSettings(Schema):
    """What the extension needs to know about its merchant and site."""

    merchant_name = fields.String()
    currency = fields.String()
    site_id = fields.String()
    site_name = fields.String()
    business_location_id = LightspeedIdAnswer()
    payment_method_code = fields.String(
        allow_none=True,
        metadata={"description": "the first of the Lightspeed settings' gift-card "
                  "payment method codes; null until one is configured"},
    )  # fmt: skip


class PairedSchema(ExtensionSettings):
    """A new device credential: `token` is the whole bearer token, shown once."""

    device_id = fields.String()
    token = fields.String()
