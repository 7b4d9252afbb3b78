"""Schemas of the admin API: merchants, sites, credentials, cards and adjustments."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from domain.credentials import KINDS
from domain.giftcard import ADJUSTMENT_REASONS
from service.http.activity import ActivityItem
from service.http.field_types import Amount, CardCode, Currency, SignedAmount, Text
from service.http.lightspeed_ids import LightspeedId, LightspeedIdAnswer
from service.http.moments import InRange, range_metadata
from service.http.schemas import CardSchema


class MerchantCreate(Schema):
    """A new merchant."""

    name = Text(200, required=True)
    currency = Currency(required=True)


class SiteCreate(Schema):
    """A new site, mapped to one Lightspeed business location."""

    name = Text(200, required=True)
    lightspeed_business_location_id = LightspeedId(required=True)


class SiteSchema(Schema):
    """A site of a merchant."""

    site_id = fields.String()
    merchant_id = fields.UUID()
    name = fields.String()
    lightspeed_business_location_id = LightspeedIdAnswer()


class MerchantSchema(Schema):
    """A merchant and its sites."""

    merchant_id = fields.UUID()
    name = fields.String()
    currency = fields.String()
    sites = fields.List(fields.Nested(SiteSchema))


ISSUABLE = sorted(set(KINDS) - {"device"})


class CredentialCreate(Schema):
    """Which kind of credential to issue."""

    # Device credentials come only from pairing (service/pos_extension).
    kind = fields.String(required=True, validate=validate.OneOf(ISSUABLE))


class CredentialIssuedSchema(Schema):
    """A new credential: the only answer that ever shows its secret."""

    credential_id = fields.UUID()
    kind = fields.String()
    username = fields.String(
        metadata={"description": "webhook only: the HTTP Basic user name"}
    )
    secret = fields.String(
        metadata={
            "description": "shown once. webhook: the HTTP Basic password; "
            "pos/admin: the whole bearer token `<username>.<secret>`"
        }
    )
    rotated_from = fields.UUID(
        metadata={"description": "rotation only: the credential this one replaces"}
    )


class CredentialSchema(Schema):
    """A credential as listed: never its secret."""

    credential_id = fields.UUID()
    kind = fields.String()
    username = fields.String(metadata={"description": "the public half"})
    created_at = fields.AwareDateTime()
    revoked = fields.Boolean()


class CredentialList(Schema):
    """A merchant's credentials, revoked ones included."""

    items = fields.List(fields.Nested(CredentialSchema))


class CardCreate(Schema):
    """A card to issue (sell or activate) with its first balance."""

    amount = Amount(required=True)
    currency = Currency(required=True)
    code = CardCode(metadata={"description": "omit to have a 16-digit code generated"})
    expires_at = fields.AwareDateTime(
        allow_none=True,
        validate=InRange(),
        metadata=range_metadata("when the card expires, in the future"),
    )
    site_id = fields.String(allow_none=True, validate=validate.Length(1, 64))


class IssuedCardSchema(CardSchema):
    """A new card; `code` is present only when we generated it (shown once)."""

    code = fields.String(metadata={"description": "generated codes only, once"})


class AdjustmentCreate(Schema):
    """A signed balance correction with a reason code."""

    amount = SignedAmount(required=True)
    reason = fields.String(
        required=True, validate=validate.OneOf(sorted(ADJUSTMENT_REASONS))
    )
    note = fields.String(load_default="", validate=validate.Length(max=1000))

    @validates_schema
    def note_for_other(self, data: dict[str, Any], **_: Any) -> None:
        """`other` needs a note saying what happened."""
        if data.get("reason") == "other" and not data.get("note", "").strip():
            raise ValidationError(
                "a note is required when the reason is 'other'", field_name="note"
            )


class AdjustmentAnswer(Schema):
    """What an adjustment did, and the card after it."""

    activity = fields.Nested(ActivityItem)
    card = fields.Nested(CardSchema)


class StateChange(Schema):
    """Why a card is blocked, unblocked or voided."""

    reason = Text(500, required=True)
