"""Plain views of aggregates for the API (the answers of write commands)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.card_rules import hold_state
from domain.giftcard import GiftCard


@dataclass(frozen=True)
class Outcome:
    """What a card command did: the card after it, and the id it produced."""

    card: GiftCard
    ref: str
    replayed: bool
    now: datetime
    amount: int | None = None


def card_view(card: GiftCard, now: datetime) -> dict[str, Any]:
    """The API's card: masked code, money and state."""
    held = card.held(now)
    return {
        "masked_code": card.masked_code,
        "merchant_id": card.merchant_id,
        "currency": card.currency,
        "balance": card.balance,
        "held": held,
        "available": card.balance - held,
        "state": card.state(now),
        "expires_at": card.expires_at,
        "issued_at": card.created_on,
        "version": card.version,
    }


def hold_view(card: GiftCard, hold_id: str, now: datetime) -> dict[str, Any]:
    """The API's hold."""
    hold = card.holds[hold_id]
    # A lapsed hold reads "expired" whether or not its release is written yet.
    status = hold_state(hold, now)
    return {
        "hold_id": hold_id,
        "amount": hold["amount"],
        "captured_amount": hold["captured"],
        "status": status,
        "expires_at": hold["expires_at"],
        "account_id": hold["account_id"],
        "business_location_id": hold["location_id"],
        "currency": card.currency,
    }
