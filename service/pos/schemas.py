"""Schemas of the POS API: holds, captures, releases, redemptions and refunds."""

from __future__ import annotations

from marshmallow import Schema, fields

from service.http.field_types import Amount, CardCode, Currency
from service.http.lightspeed_ids import LightspeedId, LightspeedIdAnswer
from service.http.schemas import CardSchema


class CardDebit(Schema):
    """The fields of every POS request that takes money from a card by code."""

    card_code = CardCode(required=True)
    amount = Amount(required=True)
    currency = Currency(required=True)
    business_location_id = LightspeedId(required=True)


class HoldCreate(CardDebit):
    """Reserve money on a card for a sale that is still open."""

    account_id = LightspeedId(required=True)


class HoldSchema(Schema):
    """A hold: open, captured, released or expired."""

    hold_id = fields.String()
    amount = fields.Integer()
    captured_amount = fields.Integer()
    status = fields.String(
        metadata={"enum": ["open", "captured", "released", "expired"]}
    )
    expires_at = fields.AwareDateTime()
    account_id = LightspeedIdAnswer(allow_none=True)
    business_location_id = LightspeedIdAnswer(allow_none=True)
    currency = fields.String()


class HoldPlacedSchema(HoldSchema):
    """A new hold and the card after it."""

    card = fields.Nested(CardSchema)


class CaptureRequest(Schema):
    """Take the hold, or part of it (the rest is released)."""

    amount = Amount(metadata={"description": "defaults to the whole hold"})


class ReleaseRequest(Schema):
    """Cancel a hold (no fields; the body may be empty)."""


class HoldAnswer(Schema):
    """A hold after a capture or release, and the card."""

    hold = fields.Nested(HoldSchema)
    card = fields.Nested(CardSchema)


class RedemptionCreate(CardDebit):
    """Debit a card at once."""

    account_id = LightspeedId(allow_none=True)


class RedemptionSchema(Schema):
    """A redemption and the card after it."""

    redemption_id = fields.String()
    amount = fields.Integer()
    currency = fields.String()
    card = fields.Nested(CardSchema)


class RefundCreate(Schema):
    """Give back (part of) what a redemption or a captured hold took."""

    amount = Amount(required=True)


class RefundSchema(Schema):
    """One refund of a redemption."""

    refund_id = fields.String()
    redemption_id = fields.String()
    amount = fields.Integer()
    currency = fields.String()
    refundable = fields.Integer(
        metadata={"description": "what the redemption can still give back"}
    )


class RefundAnswer(Schema):
    """A refund and the card after it."""

    refund = fields.Nested(RefundSchema)
    card = fields.Nested(CardSchema)
