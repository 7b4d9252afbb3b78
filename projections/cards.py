"""The pure step of the card views: one card event in, the card and activity out.

The projector, the rebuild and the fold (`audit verify`, the tests) all apply events
through `apply_card_event`, so they cannot disagree on what an event means; the
tests check the step itself against the GiftCard aggregate.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

CARD_TOPIC_PREFIXES = ("domain.giftcard:", "domain.giftcard_events:")
NO_SITE = ""
ZERO = timedelta(0)

# Event class name -> activity type (the API's `type` values).
ACTIVITY_TYPES = {
    "Issued": "issued",
    "Loaded": "loaded",
    "LoadReversed": "load_reversed",
    "HoldPlaced": "hold_placed",
    "HoldCaptured": "hold_captured",
    "HoldReleased": "hold_released",
    "Redeemed": "redeemed",
    "RedemptionRefunded": "redemption_refunded",
    "Adjusted": "adjusted",
    "Blocked": "blocked",
    "Unblocked": "unblocked",
    "Voided": "voided",
    "Expired": "expired",
}
STATES = {
    "Blocked": "blocked",
    "Unblocked": "active",
    "Voided": "voided",
    "Expired": "expired",
}


class UnknownCardEvent(Exception):
    """A GiftCard event this projector does not know: stop rather than guess."""


def is_card_topic(topic: str) -> bool:
    """True for the stored topics of GiftCard events."""
    return topic.startswith(CARD_TOPIC_PREFIXES)


def utc_naive(moment: datetime | None) -> datetime | None:
    """A timestamp as stored in the read models: UTC, without tzinfo."""
    if moment is None or moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        # Year 0 or 10000 in UTC, stored before the ledger bounded its dates: the
        # nearest representable moment keeps its meaning (long past, never).
        offset = moment.utcoffset()
        return datetime.max if offset is not None and offset < ZERO else datetime.min


@dataclass
class CardRow:
    """One row of card_balances, as the card's events build it."""

    card_id: str
    merchant_id: str
    masked_code: str
    currency: str
    site_id: str | None
    balance: int
    held: int
    available: int
    state: str
    expires_at: datetime | None
    issued_at: datetime
    version: int
    last_position: int

    def as_row(self) -> dict[str, Any]:
        """The row to write."""
        return asdict(self)


def _movement(name: str, e: Any) -> tuple[int, int, int | None]:
    """(change of balance, change of held, the event's own amount)."""
    amount: int = getattr(e, "amount", 0)
    if name in ("Loaded", "RedemptionRefunded"):
        return amount, 0, amount
    if name in ("LoadReversed", "Redeemed"):
        return -amount, 0, amount
    if name == "HoldPlaced":
        return 0, amount, amount
    if name == "HoldCaptured":
        return -amount, -amount, amount
    if name == "HoldReleased":
        return 0, -amount, amount
    if name == "Adjusted":
        return (amount if e.direction == "credit" else -amount), 0, amount
    if name == "Voided":
        return -e.forfeited, 0, e.forfeited
    if name in STATES:
        return 0, 0, None
    raise UnknownCardEvent(f"no projection rule for GiftCard event {name!r}")


def _references(name: str, e: Any) -> tuple[str | None, str | None]:
    """(the id this event made or acted on, the id it refers back to)."""
    if name == "RedemptionRefunded":
        return e.refund_id, e.redemption_id
    for attr in ("load_id", "hold_id", "redemption_id", "adjustment_id"):
        if hasattr(e, attr):
            return str(getattr(e, attr)), None
    return None, None


def apply_card_event(
    card: CardRow | None, position: int, e: Any
) -> tuple[CardRow, dict[str, Any]]:
    """Apply one GiftCard event: the card after it and its activity row."""
    name = type(e).__name__
    recorded_at = utc_naive(e.timestamp)
    assert recorded_at is not None
    if name == "Issued":
        card = CardRow(
            card_id=str(e.originator_id), merchant_id=str(e.merchant_id),
            masked_code=e.masked_code, currency=e.currency,
            site_id=_site(getattr(e, "origin", None)), balance=0, held=0,
            available=0, state="active", expires_at=utc_naive(e.expires_at),
            issued_at=recorded_at, version=0, last_position=0,
        )  # fmt: skip
        delta, held, amount = e.amount, 0, e.amount
    elif card is None:
        raise UnknownCardEvent(f"{name} of card {e.originator_id} before its Issued")
    else:
        delta, held, amount = _movement(name, e)
    card.balance += delta
    card.held += held
    card.available = card.balance - card.held
    card.state = STATES.get(name, card.state)
    card.version = e.originator_version
    card.last_position = position
    origin = getattr(e, "origin", None) or {}
    reference, original = _references(name, e)
    activity = {
        "position": position,
        "card_id": card.card_id,
        "merchant_id": card.merchant_id,
        "version": card.version,
        "masked_code": card.masked_code,
        "type": ACTIVITY_TYPES.get(name, name),
        "amount": amount,
        "delta": delta,
        "balance_after": card.balance,
        "held_after": card.held,
        "available_after": card.available,
        "currency": card.currency,
        "state_after": card.state,
        "source": origin.get("source"),
        "actor": origin.get("actor"),
        "site_id": _site(origin),
        "reference": reference,
        "original_reference": original,
        "reason": getattr(e, "reason", None),
        "note": getattr(e, "note", None),
        "idempotency_key": origin.get("idempotency_key"),
        "receipt_id": origin.get("receipt_id"),
        "occurred_at": origin.get("occurred_at"),
        "recorded_at": recorded_at,
    }
    return card, activity


def _site(origin: dict[str, Any] | None) -> str | None:
    site = (origin or {}).get("site_id")
    return None if site is None else str(site)


def liability_key(card: CardRow) -> tuple[str, str, str]:
    """(merchant, site, currency) a card's money counts towards: its issuing site."""
    return card.merchant_id, card.site_id or NO_SITE, card.currency
