"""The views: each turns a batch of events into rows, inside the batch transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, select

from projections.bulk import chunks, insert_rows, replace_rows, upsert
from projections.cards import CardRow, apply_card_event, is_card_topic, liability_key
from projections.receipts import ReceiptsView
from projections.schema import ReadModels


class View(Protocol):
    """A read model fed by the projector."""

    name: str

    def wants(self, topic: str) -> bool:
        """True for the stored topics this view projects."""

    def apply(self, conn: Connection, events: Sequence[tuple[int, Any]]) -> None:
        """Write the rows of these (position, event) pairs."""


class CardsView:
    """card_balances, card_activity and liability: one step over card events."""

    name = "cards"

    def __init__(self, models: ReadModels) -> None:
        self.balances = models.card_balances
        self.activity = models.card_activity
        self.liability = models.liability

    def wants(self, topic: str) -> bool:
        """GiftCard events only."""
        return is_card_topic(topic)

    def load(self, conn: Connection, card_ids: Sequence[str]) -> dict[str, CardRow]:
        """The current rows of some cards."""
        found: dict[str, CardRow] = {}
        for part in chunks(card_ids):
            query = select(self.balances).where(self.balances.c.card_id.in_(part))
            for row in conn.execute(query).mappings():
                found[row["card_id"]] = CardRow(**row)
        return found

    def apply(self, conn: Connection, events: Sequence[tuple[int, Any]]) -> None:
        """Fold the batch in memory, then write each table once."""
        if not events:
            return
        ids = sorted({str(e.originator_id) for _, e in events})
        cards = self.load(conn, ids)
        activity: list[dict[str, Any]] = []
        liability: dict[tuple[str, str, str], int] = defaultdict(int)
        for position, e in events:
            card_id = str(e.originator_id)
            card, row = apply_card_event(cards.get(card_id), position, e)
            cards[card_id] = card
            activity.append(row)
            if row["delta"]:
                liability[liability_key(card)] += row["delta"]
        rows = [cards[card_id].as_row() for card_id in ids]
        replace_rows(conn, self.balances, "card_id", rows)
        insert_rows(conn, self.activity, activity)
        totals = [
            {"merchant_id": m, "site_id": s, "currency": c, "outstanding": amount}
            for (m, s, c), amount in sorted(liability.items())
        ]
        upsert(
            conn,
            self.liability,
            totals,
            ["merchant_id", "site_id", "currency"],
            add=["outstanding"],
        )


def all_views(models: ReadModels) -> list[View]:
    """Every view the projector feeds, in the order they apply a batch."""
    return [CardsView(models), ReceiptsView(models)]
