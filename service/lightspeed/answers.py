"""The webhook's and the receipt-exception endpoints' answers (and their schemas)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from domain.receipts import OPEN, RESOLVED

# What an outcome shows; the card id and ledger reference stay inside.
PUBLIC_OUTCOME = (
    "line_id", "kind", "masked_code", "result", "code", "detail", "amount",
    "currency", "hold_id",
)  # fmt: skip


def public_outcomes(
    outcomes: list[dict[str, Any]], duplicate: bool
) -> list[dict[str, Any]]:
    """The outcomes as the API shows them; a re-sent receipt's are `duplicate`."""
    shown = []
    for outcome in outcomes:
        item = {key: outcome.get(key) for key in PUBLIC_OUTCOME}
        if duplicate:
            item["first_result"] = item["result"]
            item["result"] = "duplicate"
        shown.append(item)
    return shown


class OutcomeSchema(Schema):
    """What became of one gift-card line (or one released hold)."""

    line_id = fields.String(allow_none=True)
    kind = fields.String(
        metadata={"enum": ["sale", "payment", "refund", "reversal", "release"]}
    )
    masked_code = fields.String(allow_none=True)
    result = fields.String(metadata={"enum": ["applied", "duplicate", "exception"]})
    first_result = fields.String(
        metadata={"description": "on a duplicate: the first delivery's result"}
    )
    code = fields.String(allow_none=True, metadata={"example": "card_not_found"})
    detail = fields.String(allow_none=True)
    amount = fields.Integer(metadata={"description": "positive minor units"})
    currency = fields.String(allow_none=True)
    hold_id = fields.String(allow_none=True)


class RtnAnswer(Schema):
    """The webhook's answer: the stored receipt (if any) and the outcomes."""

    receipt_id = fields.String(
        allow_none=True,
        metadata={"description": "null when the receipt needed nothing stored"},
    )
    notification_type = fields.String()
    outcomes = fields.List(fields.Nested(OutcomeSchema))


class ExceptionSchema(Schema):
    """A receipt line that could not be applied, for a person to resolve."""

    exception_id = fields.String()
    receipt_id = fields.String()
    business_location_id = fields.String()
    account_id = fields.String()
    site_id = fields.String()
    line_id = fields.String(allow_none=True)
    kind = fields.String()
    code = fields.String()
    detail = fields.String(allow_none=True)
    masked_code = fields.String(allow_none=True)
    amount = fields.Integer()
    currency = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": [OPEN, RESOLVED]})
    created_at = fields.String()
    resolved_at = fields.String()
    resolved_by = fields.String()
    resolution_note = fields.String()


class ExceptionList(Schema):
    """A merchant's receipt exceptions, newest first."""

    items = fields.List(fields.Nested(ExceptionSchema))


class ExceptionQuery(Schema):
    """Filter receipt exceptions by status."""

    status = fields.String(validate=validate.OneOf([OPEN, RESOLVED]))


class ResolveRequest(Schema):
    """How a person resolved a receipt exception."""

    note = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class StoredReceiptSchema(Schema):
    """A stored receipt: the raw payload as received, its SHA-256, the outcomes."""

    receipt_id = fields.String()
    business_location_id = fields.String()
    account_id = fields.String()
    site_id = fields.String()
    notification_type = fields.String()
    received_at = fields.String()
    sha256 = fields.String()
    payload = fields.String()
    outcomes = fields.List(fields.Nested(OutcomeSchema))
