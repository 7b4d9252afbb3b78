"""The read models computed in memory from the events: what the tables must hold."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from projections.cards import CardRow, apply_card_event, liability_key, utc_naive
from projections.failure import ProjectionFailed, describe_event


class Fold:
    """A pure fold of GiftCard events into card rows, activity and liability."""

    def __init__(self, as_of: datetime | None = None) -> None:
        self.as_of = utc_naive(as_of)
        self.cards: dict[str, CardRow] = {}
        self.liability: dict[tuple[str, str, str], int] = defaultdict(int)
        self.position = 0
        self.cut: set[str] = set()

    def feed(self, position: int, event: Any) -> dict[str, Any] | None:
        """Apply one event; returns its activity row (None if after `as_of`)."""
        card_id = str(event.originator_id)
        if self.as_of is not None and (
            card_id in self.cut
            or event.timestamp.astimezone(UTC).replace(tzinfo=None) > self.as_of
        ):
            # A card's state as of a moment is a prefix of its events.
            self.cut.add(card_id)
            return None
        try:
            card, activity = apply_card_event(self.cards.get(card_id), position, event)
        except Exception as error:  # one clear line for audit replay and verify
            raise ProjectionFailed(position, describe_event(event), error) from error
        self.cards[card_id] = card
        if activity["delta"]:
            self.liability[liability_key(card)] += activity["delta"]
        self.position = max(self.position, position)
        return activity

    def feed_all(self, events: Iterable[tuple[int, Any]]) -> list[dict[str, Any]]:
        """Apply many events; returns their activity rows."""
        rows = (self.feed(position, e) for position, e in events)
        return [row for row in rows if row is not None]

    def card_rows(self) -> list[dict[str, Any]]:
        """card_balances as the events say, ordered by card id."""
        return [self.cards[k].as_row() for k in sorted(self.cards)]

    def liability_rows(self) -> list[dict[str, Any]]:
        """liability as the events say, ordered by its key."""
        return [
            {"merchant_id": m, "site_id": s, "currency": c, "outstanding": amount}
            for (m, s, c), amount in sorted(self.liability.items())
        ]


def fold(events: Iterable[tuple[int, Any]], as_of: datetime | None = None) -> Fold:
    """Fold (position, event) pairs, in log order."""
    result = Fold(as_of)
    for position, e in events:
        result.feed(position, e)
    return result
