"""The projector: follows the event log and applies it to the views in batches."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Engine

from projections.events import EventSource
from projections.failure import locate
from projections.following import follow
from projections.schema import LIVE, ReadModels, read_models
from projections.tracking import PositionMoved, Tracking
from projections.transient import TRANSIENT
from projections.views import View, all_views

BATCH_SIZE = 5000
# SQLite has one writer: smaller batches hold its lock for less time (as fast).
SQLITE_BATCH_SIZE = 1000
NOT_POISON = (PositionMoved, *TRANSIENT)


class Projector:
    """Applies events to every view; each batch is one transaction with its tracking."""

    def __init__(
        self,
        engine: Engine,
        source: EventSource,
        models: ReadModels | None = None,
        suffix: str = LIVE,
        batch_size: int | None = None,
    ) -> None:
        self.engine = engine
        self.source = source
        self.views: list[View] = all_views(models or read_models(suffix))
        self.suffix = suffix
        if batch_size is None:
            sqlite = engine.dialect.name == "sqlite"
            batch_size = SQLITE_BATCH_SIZE if sqlite else BATCH_SIZE
        self.batch_size = batch_size
        self.tracking = Tracking()
        self.positions: dict[str, int] = {}
        self.applied = 0

    def tracking_name(self, view: View) -> str:
        """The tracking record of a view (a rebuild tracks its fresh tables apart)."""
        return view.name + self.suffix

    def load_positions(self) -> int:
        """Read where each view stands; returns the lowest position."""
        with self.engine.begin() as conn:
            names = [self.tracking_name(v) for v in self.views]
            self.positions = self.tracking.read(conn, names)
        return self.position

    @property
    def position(self) -> int:
        """The position every view has reached."""
        return min(self.positions.values()) if self.positions else 0

    def apply_batch(self, notifications: Sequence[Notification]) -> int:
        """Apply notifications (in log order) to every view, in one transaction."""
        if not notifications:
            return self.position
        last = notifications[-1]
        last_at = self.source.decode(last).timestamp
        decoded: dict[int, Any] = {}
        with self.engine.begin() as conn:
            names = {self.tracking_name(v): v for v in self.views}
            stored = self.tracking.read(conn, names, lock=True)
            for name, view in names.items():
                at = stored[name]
                if at < self.positions.get(name, 0):
                    # A rebuild was swapped in behind us: re-read from its position.
                    raise PositionMoved(f"{name} moved back to {at}")
                if at >= last.id:
                    continue
                events = [
                    (n.id, decoded.get(n.id) or self.source.decode(n))
                    for n in notifications
                    if n.id > at and view.wants(n.topic)
                ]
                decoded.update(events)
                view.apply(conn, events)
                self.tracking.advance(conn, name, at, last.id, last_at)
        self.positions = dict.fromkeys(names, last.id)
        self.applied += len(notifications)
        return last.id

    def apply_checked(self, notifications: Sequence[Notification]) -> int:
        """apply_batch; a batch that fails for good raises ProjectionFailed.

        The failure names the first event that cannot be applied, and the events
        before it are applied: the views stop right before it.
        """
        try:
            return self.apply_batch(notifications)
        except NOT_POISON:
            raise
        except Exception as error:
            one = lambda n: self.apply_batch([n])  # noqa: E731
            raise locate(notifications, one, error, NOT_POISON) from error

    def catch_up(
        self, upto: int | None = None, progress: Callable[[int], None] | None = None
    ) -> int:
        """Apply everything recorded (up to `upto`); returns the position reached."""
        after = self.load_positions()
        while True:
            batch = self.source.read(after, self.batch_size, upto)
            if not batch:
                return self.position
            self.apply_checked(batch)
            if progress:
                progress(batch[-1].id - after)
            after = batch[-1].id

    def run(self, stop: threading.Event, poll_interval: float = 0.2) -> None:
        """Follow the log until `stop` is set; outlives database outages."""
        follow(self, stop, poll_interval)
