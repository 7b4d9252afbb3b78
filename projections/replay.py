"""Audit replay: a card's or a merchant's history from the events, with balances."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.card_codes import card_id as derive_card_id
from projections.events import EventSource
from projections.fold import Fold


class NoSuchCard(LookupError):
    """The merchant has no card with that code."""


@dataclass
class Replay:
    """The replayed history and the state it ends in."""

    rows: list[dict[str, Any]]
    fold: Fold

    def cards(self) -> list[dict[str, Any]]:
        """Each card's state at the end of the replay."""
        return self.fold.card_rows()

    def totals(self) -> dict[str, int]:
        """Outstanding balance per currency at the end of the replay."""
        totals: dict[str, int] = {}
        for card in self.fold.cards.values():
            totals[card.currency] = totals.get(card.currency, 0) + card.balance
        return totals


def replay_card(
    source: EventSource, merchant_id: UUID, code: str, as_of: datetime | None = None
) -> Replay:
    """One card's events, from its own sequence (no scan of the log)."""
    events = source.card_history(derive_card_id(merchant_id, code))
    if not events or str(getattr(events[0], "merchant_id", "")) != str(merchant_id):
        raise NoSuchCard("no card with that code for this merchant")
    fold = Fold(as_of)
    # Positions in the log are not part of an aggregate's own sequence: replay
    # by version, and leave the position out.
    rows = fold.feed_all((0, e) for e in events)
    for row in rows:
        row.pop("position")
    return Replay(rows, fold)


def replay_merchant(
    source: EventSource,
    merchant_id: UUID,
    as_of: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> Replay:
    """Every card event of a merchant, in log order (one pass over the log)."""
    wanted = str(merchant_id)
    fold = Fold(as_of)
    own: set[str] = set()
    rows: list[dict[str, Any]] = []
    for position, e in source.iter_card_events(progress=progress):
        card = str(e.originator_id)
        if type(e).__name__ == "Issued" and str(e.merchant_id) == wanted:
            own.add(card)
        if card in own:
            row = fold.feed(position, e)
            if row is not None:
                rows.append(row)
    return Replay(rows, fold)
