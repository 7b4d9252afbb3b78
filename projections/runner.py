"""The projector: follows the event log and applies it to the views in batches."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, Notification, OperationalError
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc

from projections.events import EventSource
from projections.failure import (
    ProjectionFailed,
    clear_failure,
    failed_position,
    locate,
    record_failure,
)
from projections.feed import open_feed
from projections.schema import LIVE, ReadModels, read_models
from projections.tracking import PositionMoved, Tracking
from projections.views import View, all_views

log = logging.getLogger("giftledger.projector")

BATCH_SIZE = 5000
# SQLite has one writer: smaller batches hold its lock for less time (as fast).
SQLITE_BATCH_SIZE = 1000
# Failures worth waiting out: database restarts, dropped connections, and another
# projector committing the same batch first. Anything else is a bug: it stops.
TRANSIENT = (
    OperationalError,
    InterfaceError,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.IntegrityError,
    ConnectionError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg.IntegrityError,  # raised through COPY, which bypasses SQLAlchemy
)
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
        backoff = 0.5
        while not stop.is_set():
            try:
                self._follow(stop, poll_interval)
                backoff = 0.5
            except PositionMoved as moved:
                log.warning("projector: %s; resuming from the stored position", moved)
            except TRANSIENT as error:
                log.warning(
                    "projector: %s (%s); retrying in %.1fs",
                    type(error).__name__,
                    str(error).splitlines()[0][:200] if str(error) else "",
                    backoff,
                )
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
            except ProjectionFailed as failure:
                if self.suffix == LIVE:
                    record_failure(self.engine, failure)
                raise

    def _follow(self, stop: threading.Event, poll_interval: float) -> None:
        after = self.load_positions()
        failed_at = failed_position(self.engine) if self.suffix == LIVE else None
        if failed_at is not None and after >= failed_at:  # a rebuild got past it
            clear_failure(self.engine)
            failed_at = None
        log.info("projector: following the event log from position %d", after)
        feed = open_feed(self.source, after, stop, poll_interval)
        try:
            while not stop.is_set():
                batch = feed.take(self.batch_size, timeout=poll_interval)
                if batch:
                    started = time.monotonic()
                    position = self.apply_checked(batch)
                    if failed_at is not None and position >= failed_at:
                        clear_failure(self.engine)
                        failed_at = None
                    log.debug(
                        "projector: %d events to %d in %.3fs",
                        len(batch),
                        position,
                        time.monotonic() - started,
                    )
                else:
                    self._check_position()
        finally:
            feed.close()

    def _check_position(self) -> None:
        """Raise PositionMoved if a rebuild swapped in tables behind us.

        A batch finds that out by itself; on a quiet log no batch comes, and the
        views would stay behind (at the rebuild's position) until the next event.
        """
        with self.engine.connect() as conn:
            stored = self.tracking.read(conn, self.positions)
        for name, at in stored.items():
            if at < self.positions[name]:
                raise PositionMoved(f"{name} moved back to {at}")
