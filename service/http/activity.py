"""One event of a card as the read and admin APIs answer it."""

from __future__ import annotations

from marshmallow import Schema, fields

from projections.cards import ACTIVITY_TYPES

TYPES = sorted(ACTIVITY_TYPES.values())


class ActivityItem(Schema):
    """One event of a card with the balance after it (amounts in minor units)."""

    position = fields.Integer(metadata={"description": "position in the event log"})
    version = fields.Integer(metadata={"description": "the card's version after it"})
    type = fields.String(metadata={"enum": TYPES})
    amount = fields.Integer(allow_none=True, metadata={"description": "positive"})
    balance_change = fields.Integer(metadata={"description": "signed"})
    balance_after = fields.Integer()
    held_after = fields.Integer()
    available_after = fields.Integer()
    currency = fields.String()
    state_after = fields.String()
    masked_code = fields.String()
    source = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    site_id = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    original_reference = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    receipt_id = fields.String(allow_none=True)
    idempotency_key = fields.String(allow_none=True)
    occurred_at = fields.String(allow_none=True)
    recorded_at = fields.AwareDateTime()
