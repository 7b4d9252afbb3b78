"""The origin of one receipt line's command: its idempotency key and fingerprint."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.origin import Origin
from domain.receipt_header import ReceiptHeader
from domain.receipt_plan import Applicable, Command, Unapplied


def line_origin(
    header: ReceiptHeader, receipt_id: UUID, now: datetime, command: Applicable
) -> dict[str, Any]:
    """The origin stored on the events of one line: a re-sent receipt's line
    replays under the same key instead of moving money twice."""
    part = command.line_id or f"hold:{getattr(command, 'hold_id', '')}"
    key = f"rtn:{header.location_id}:{header.account_id}:{part}"
    origin = Origin(
        source="lightspeed_rtn",
        actor=header.actor,
        site_id=header.site_id,
        idempotency_key=key,
        receipt_id=str(receipt_id),
        occurred_at=now.isoformat(),
    )
    ref = getattr(command, "hold_id", None) or getattr(command, "load_id", None)
    return origin.with_fingerprint(
        command.kind, command.amount, getattr(command, "redemption_id", ref)
    ).as_event()


def new_outcome(command: Command, result: str) -> dict[str, Any]:
    """The stored outcome of one line, before its command runs."""
    return {
        "line_id": command.line_id,
        "kind": command.kind,
        "masked_code": command.masked_code,
        "amount": command.amount,
        "currency": getattr(command, "currency", None),
        "hold_id": getattr(command, "hold_id", None),
        "card_id": None if isinstance(command, Unapplied) else str(command.card_id),
        "ref": None,
        "result": result,
        "code": None,
        "detail": None,
    }
