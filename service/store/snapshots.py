"""Snapshots written by a background thread, so no command waits for one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Lock
from uuid import UUID

log = logging.getLogger("giftledger.snapshots")


class Snapshotter:
    """Takes the library's snapshots off the request path.

    A snapshot of a card with a long history re-reads and re-encodes its whole
    state (tens of milliseconds at 10,000 events); taken inline, every Nth command
    on that card paid it. A snapshot is only a shortcut for loading, so it can
    trail the events: one worker thread per Application writes them in order.
    """

    def __init__(self, take: Callable[[UUID, int | None], None]) -> None:
        self.take = take
        self.executor: ThreadPoolExecutor | None = None
        self.lock = Lock()

    def submit(self, aggregate_id: UUID, version: int | None) -> None:
        """Queue a snapshot of the aggregate as of `version`."""
        with self.lock:
            if self.executor is None:
                self.executor = ThreadPoolExecutor(1, "giftledger-snapshots")
        self.executor.submit(self.run, aggregate_id, version)

    def run(self, aggregate_id: UUID, version: int | None) -> None:
        """Take one snapshot; a failure is logged, never raised."""
        try:
            self.take(aggregate_id, version)
        except Exception:  # the events stay the truth; a lost snapshot costs nothing
            log.warning("snapshot of %s failed", aggregate_id, exc_info=True)

    def wait(self) -> None:
        """Block until the snapshots queued so far are written."""
        if self.executor is not None:
            self.executor.submit(lambda: None).result()

    def close(self) -> None:
        """Finish the queued snapshots."""
        if self.executor is not None:
            self.executor.shutdown(wait=True)
