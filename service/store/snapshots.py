"""Snapshots written by a background thread, so no command waits for one."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from threading import Lock
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent, project_aggregate
from eventsourcing.persistence import Recording

log = logging.getLogger("giftledger.snapshots")

# The log position of the last save in this thread or task, for read-your-writes.
LAST_POSITION: ContextVar[int | None] = ContextVar("last_position", default=None)


class BackgroundSnapshots(Application[UUID]):
    """Takes the library's snapshots off the request path.

    A snapshot of a card with a long history re-reads and re-encodes its whole
    state (tens of milliseconds at 10,000 events); taken inline, every Nth command
    on that card paid it. A snapshot is only a shortcut for loading, so it can
    trail the events: one worker thread per Application writes them in order.
    """

    _snapshotter: ThreadPoolExecutor | None = None
    _snapshotter_lock = Lock()

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save aggregates, and remember the log position the save reached.

        As Application.save, whose collect_events tells events from aggregates
        with runtime Protocol checks that cost ~0.1 ms a save.
        """
        processing = ProcessingEvent[UUID]()
        processing.saved_kwargs.update(kwargs)
        for obj in objs:
            collect = getattr(obj, "collect_events", None)
            if collect is not None:
                processing.events.extend(collect())
                processing.aggregates[obj.id] = obj
            elif obj is not None:  # an event, saved as it is
                processing.events.append(obj)
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        if recordings:
            LAST_POSITION.set(max(r.notification.id for r in recordings))
        return recordings

    def take_snapshot(
        self,
        aggregate_id: UUID,
        version: int | None = None,
        projector_func: Any = project_aggregate,
    ) -> None:
        """Queue a snapshot of the aggregate as of `version`."""
        with self._snapshotter_lock:
            if self._snapshotter is None:
                self._snapshotter = ThreadPoolExecutor(1, "giftledger-snapshots")
        self._snapshotter.submit(self._snapshot, aggregate_id, version, projector_func)

    def _snapshot(
        self, aggregate_id: UUID, version: int | None, projector_func: Any
    ) -> None:
        try:
            super().take_snapshot(aggregate_id, version, projector_func)
        except Exception:  # the events stay the truth; a lost snapshot costs nothing
            log.warning("snapshot of %s failed", aggregate_id, exc_info=True)

    def wait_for_snapshots(self) -> None:
        """Block until the snapshots queued so far are written (for tests, audits)."""
        if self._snapshotter is not None:
            self._snapshotter.submit(lambda: None).result()

    def close(self) -> None:
        """Finish the queued snapshots, then close the store."""
        if self._snapshotter is not None:
            self._snapshotter.shutdown(wait=True)
        super().close()
