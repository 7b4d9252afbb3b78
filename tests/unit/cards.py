"""Helpers for the aggregate unit tests: a fixed clock, origins and fresh cards."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from domain.card_codes import card_id, mask
from domain.giftcard import GiftCard
from domain.origin import Origin

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=15)
MERCHANT = uuid4()
AMOUNT_FIELDS = ("amount", "forfeited")


def origin(key: str | None = None, *parts: object) -> dict[str, Any]:
    """An event origin as a command stores it (with a fingerprint when keyed)."""
    how = Origin(source="pos", actor="till-1", idempotency_key=key)
    return how.with_fingerprint(*parts).as_event() if key else how.as_event()


def new_card(
    amount: int = 1000, currency: str = "GBP", expires_at: datetime | None = None
) -> GiftCard:
    """A freshly issued card whose Issued event is already collected."""
    code = uuid4().hex
    card = GiftCard.issue(
        card_id(MERCHANT, code), MERCHANT, mask(code), currency, amount, expires_at,
        origin("issue-key", "issue"),
    )  # fmt: skip
    card.collect_events()
    return card


def events(card: GiftCard) -> list[Any]:
    """The events a card has pending (and forget them, as a save would)."""
    return list(card.collect_events())


def names(card: GiftCard) -> list[str]:
    """The class names of the pending events."""
    return [type(e).__name__ for e in events(card)]


def state(card: GiftCard) -> dict[str, Any]:
    """A deep snapshot of the card's attributes, to prove a refusal changed nothing."""
    return copy.deepcopy(card.__dict__)
