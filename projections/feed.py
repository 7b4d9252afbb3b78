"""Where the projector's batches come from: the store's subscription, or polling."""

from __future__ import annotations

import queue
import threading
from typing import Protocol

from eventsourcing.persistence import Notification

from projections.events import EventSource

QUEUE_LIMIT = 20_000


class Feed(Protocol):
    """Batches of new notifications, in log order."""

    def take(self, limit: int, timeout: float) -> list[Notification]:
        """Up to `limit` notifications; waits at most `timeout` for the first."""

    def close(self) -> None:
        """Stop following the log."""


class PollingFeed:
    """SQLite has no subscription: select what is new, wait a little when nothing."""

    def __init__(
        self, source: EventSource, after: int, stop: threading.Event, interval: float
    ) -> None:
        self.source = source
        self.after = after
        self.stop = stop
        self.interval = interval

    def take(self, limit: int, timeout: float) -> list[Notification]:
        """The next notifications; sleeps one interval (or until stopped) if none."""
        batch = list(self.source.read(self.after, limit))
        if batch:
            self.after = batch[-1].id
        else:
            self.stop.wait(min(timeout, self.interval))
        return batch

    def close(self) -> None:
        """Nothing to release."""


class SubscriptionFeed:
    """PostgreSQL: the library's LISTEN/NOTIFY subscription, drained into batches.

    The subscription hands out one notification at a time and blocks when the log
    is exhausted, so a thread drains it into a queue; `take` then batches whatever
    is queued. That keeps catch-up transactions large and a quiet log cheap.
    """

    def __init__(self, source: EventSource, after: int) -> None:
        self.subscription = source.recorder.subscribe(gt=after)
        # Entered here, exited in close(): the library joins its threads on exit.
        self.subscription.__enter__()
        self.queue: queue.Queue[Notification] = queue.Queue(maxsize=QUEUE_LIMIT)
        self.error: BaseException | None = None
        self.closed = threading.Event()
        self.thread = threading.Thread(
            target=self._drain, name="projector-subscription", daemon=True
        )
        self.thread.start()

    def _drain(self) -> None:
        try:
            for notification in self.subscription:
                while not self.closed.is_set():
                    try:
                        self.queue.put(notification, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if self.closed.is_set():
                    return
        except BaseException as error:
            self.error = error
        finally:
            self.closed.set()

    def take(self, limit: int, timeout: float) -> list[Notification]:
        """Waits for one notification, then takes what else is queued."""
        batch: list[Notification] = []
        try:
            batch.append(self.queue.get(timeout=timeout))
        except queue.Empty:
            self._raise_if_failed()
            return batch
        while len(batch) < limit:
            try:
                batch.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _raise_if_failed(self) -> None:
        if self.error is not None:
            raise self.error
        if self.closed.is_set():
            raise ConnectionError("the event subscription ended")

    def close(self) -> None:
        """Stop the subscription and join its threads."""
        self.closed.set()
        self.subscription.__exit__(None, None, None)
        self.thread.join(timeout=5)


def open_feed(
    source: EventSource, after: int, stop: threading.Event, interval: float = 0.2
) -> Feed:
    """A subscription where the store supports one, else polling."""
    try:
        return SubscriptionFeed(source, after)
    except NotImplementedError:
        return PollingFeed(source, after, stop, interval)
