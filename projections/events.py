"""The ledger's notification log as the projections read it (read and decode)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from projections.cards import is_card_topic

READ_CHUNK = 5000


class EventSource:
    """Reads the notification log of the ledger Application and decodes events."""

    def __init__(self, app: Application[Any]) -> None:
        self.app = app
        self.name = app.name
        self.recorder = app.recorder
        self.mapper = app.mapper

    def head(self) -> int:
        """The id of the last recorded event (0 when there is none)."""
        return self.recorder.max_notification_id() or 0

    def read(
        self, after: int, limit: int, upto: int | None = None
    ) -> Sequence[Notification]:
        """Up to `limit` notifications with ids above `after` (and at most `upto`)."""
        return self.recorder.select_notifications(
            start=after, limit=limit, stop=upto, inclusive_of_start=False
        )

    def decode(self, notification: Notification) -> Any:
        """The domain event of a notification (upcast by the library's mapper)."""
        return self.mapper.to_domain_event(notification)

    def card_events(
        self, notifications: Sequence[Notification], after: int = 0
    ) -> list[tuple[int, Any]]:
        """(position, event) of the GiftCard events above `after`; others skipped."""
        return [
            (n.id, self.decode(n))
            for n in notifications
            if n.id > after and is_card_topic(n.topic)
        ]

    def iter_events(
        self,
        wanted: Callable[[str], bool],
        after: int = 0,
        upto: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[int, str, Any]]:
        """(position, topic, event) of the wanted topics above `after`, in order."""
        while True:
            chunk = self.read(after, READ_CHUNK, upto)
            if not chunk:
                return
            for n in chunk:
                if wanted(n.topic):
                    yield n.id, n.topic, self.decode(n)
            if progress:
                progress(chunk[-1].id - after)
            after = chunk[-1].id

    def iter_card_events(
        self,
        after: int = 0,
        upto: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[int, Any]]:
        """Every GiftCard event above `after` up to `upto`, in log order."""
        for position, _topic, e in self.iter_events(
            is_card_topic, after, upto, progress
        ):
            yield position, e

    def card_history(self, card_id: UUID) -> list[Any]:
        """One card's events, oldest first (by the aggregate's index, no scan)."""
        return list(self.app.events.get(card_id))

    def event_time(self, position: int) -> datetime | None:
        """When the event after `position` was recorded (None if there is none)."""
        following = self.read(position, 1)
        return self.decode(following[0]).timestamp if following else None
