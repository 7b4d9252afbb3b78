"""One attempt of a card command: what its step works on and saves with the card."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.giftcard import GiftCard
from domain.origin import Origin


def stamp(origin: Origin, now: datetime, **extra: Any) -> dict[str, Any]:
    """The origin as stored on events, stamped with the command's time."""
    stamped = origin.as_event()
    stamped["occurred_at"] = origin.occurred_at or now.isoformat()
    stamped.update(extra)
    return stamped


@dataclass
class CardWork:
    """The card (expired holds released), the command's time and origin."""

    card: GiftCard
    now: datetime
    origin: Origin
    others: list[Any] = field(default_factory=list)

    def stamp(self, **extra: Any) -> dict[str, Any]:
        """The origin as stored on events, stamped with the command's time."""
        return stamp(self.origin, self.now, **extra)

    def also(self, *aggregates: Any) -> None:
        """Save these in the same atomic save as the card (None is skipped)."""
        self.others.extend(a for a in aggregates if a is not None)


# A card command's own step: changes work.card; returns the ref, or (ref, amount).
Step = Callable[[CardWork], "str | tuple[str, int]"]
