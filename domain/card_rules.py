"""Rules on a card command's arguments and on a hold, as plain functions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import HoldAlreadyResolved, InvalidRequest
from domain.states import OPEN
from domain.time_bounds import in_range, out_of_range

ADJUSTMENT_REASONS = frozenset(
    {
        "complimentary",
        "support_issue",
        "transaction_voided",
        "suspicious_activity",
        "balance_accidentally_changed",
        "purchase_refunded",
        "other",
    }
)


def check_aware(when: datetime | None, field: str) -> None:
    """Refuse a naive datetime (it would crash a comparison) or one out of range."""
    if when is not None and (
        not isinstance(when, datetime) or when.utcoffset() is None
    ):
        raise InvalidRequest(
            f"{field} must be a timezone-aware datetime",
            {field: ["must be a date-time with a timezone"]},
        )
    if when is not None and not in_range(when):
        raise InvalidRequest(f"{field} is out of range", out_of_range(field))


def check_adjustment(reason: object, note: object) -> None:
    """Refuse an unknown reason code, or `other` without a note."""
    errors: dict[str, list[str]] = {}
    if reason not in ADJUSTMENT_REASONS:
        errors["reason"] = [f"must be one of {sorted(ADJUSTMENT_REASONS)}"]
    elif reason == "other" and not (isinstance(note, str) and note.strip()):
        errors["note"] = ["a note is required when the reason is 'other'"]
    if not isinstance(note, str):
        errors["note"] = ["must be a string"]
    if errors:
        raise InvalidRequest("the adjustment is not valid", errors)


def hold_state(hold: dict[str, Any], now: datetime) -> str:
    """open, captured, released or expired (a lapsed hold, written or not yet)."""
    if hold["status"] == OPEN:
        return "expired" if hold["expires_at"] <= now else OPEN
    if hold.get("released_reason") == "expired":
        return "expired"
    return str(hold["status"])


def check_new_ref(ref: str, *books: dict[str, Any]) -> None:
    """Refuse an id already used: ids may come from callers (receipt lines), and
    one must never overwrite another."""
    if any(ref in book for book in books):
        raise InvalidRequest(f"{ref!r} is already used on this card")


def check_open(hold: dict[str, Any], now: datetime) -> None:
    """Refuse to capture or release a hold that is no longer open."""
    if hold["status"] != OPEN or hold["expires_at"] <= now:
        raise HoldAlreadyResolved(f"the hold is {hold_state(hold, now)}")
