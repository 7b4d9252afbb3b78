"""A sliding-window counter kept in the database, so every worker counts together.

Each counted event is a row (key, time). `retry_after` reads a key's rows younger
than the window; a worker may reuse what it read for `reuse_seconds` (the card
throttle: at most that long behind another worker's hits, and no query per POS
request), while its own hits are seen at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from service.store.shared_state import ensure_shared_tables, throttle_hits

log = logging.getLogger("giftledger.throttle")
PRUNE_EVERY = 200  # hits between sweeps of every key's expired rows


class SharedWindow:
    """Counts events per key over the last `window` seconds, across processes."""

    def __init__(
        self,
        engine: Callable[[], Engine],
        limit: int,
        window: float,
        clock: Callable[[], float] = time.time,
        reuse_seconds: float = 0.0,
    ) -> None:
        self.engine = engine
        self.limit = limit
        self.window = window
        self.clock = clock
        self.reuse_seconds = reuse_seconds
        self._seen: dict[str, tuple[float, list[float]]] = {}
        self._lock = threading.Lock()
        self._hits_since_prune = 0

    def retry_after(self, key: str) -> float | None:
        """Seconds until `key` may ask again, or None when it may ask now."""
        now = self.clock()
        try:
            times = [t for t in self._recent(key, now) if t > now - self.window]
        except SQLAlchemyError as error:
            # The throttle never turns an answer into a 500: without its table the
            # request goes on (the ledger answers 503 itself if the store is down).
            log.warning("throttle unreadable, not applied: %s", type(error).__name__)
            return None
        if len(times) < self.limit:
            return None
        # The window frees a place when the limit-th newest hit ages out.
        oldest_counted = sorted(times)[-self.limit]
        return max(oldest_counted + self.window - now, 0.001)

    def hit(self, key: str) -> None:
        """Record one event for `key` (seen by every worker)."""
        now = self.clock()
        try:
            engine = self.engine()
            ensure_shared_tables(engine)
            with engine.begin() as conn:
                conn.execute(insert(throttle_hits).values(key=key, at_ms=_ms(now)))
                conn.execute(
                    delete(throttle_hits).where(
                        throttle_hits.c.key == key,
                        throttle_hits.c.at_ms <= _ms(now - self.window),
                    )
                )
        except SQLAlchemyError as error:
            log.warning("throttle hit not recorded: %s", type(error).__name__)
            return
        with self._lock:
            self._seen.pop(key, None)
            self._hits_since_prune += 1
            sweep = self._hits_since_prune >= PRUNE_EVERY
            if sweep:
                self._hits_since_prune = 0
        if sweep:
            self.prune(now)

    def prune(self, now: float) -> None:
        """Delete every key's rows older than the window (keeps the table small)."""
        with self.engine().begin() as conn:
            conn.execute(
                delete(throttle_hits).where(
                    throttle_hits.c.at_ms <= _ms(now - self.window)
                )
            )

    def count(self, key: str) -> int:
        """How many events `key` has in the window now (from the database)."""
        with self._lock:
            self._seen.pop(key, None)
        now = self.clock()
        return len([t for t in self._recent(key, now) if t > now - self.window])

    def _recent(self, key: str, now: float) -> list[float]:
        mono = time.monotonic()
        with self._lock:
            seen = self._seen.get(key)
        if seen is not None and mono - seen[0] < self.reuse_seconds:
            return seen[1]
        engine = self.engine()
        ensure_shared_tables(engine)
        query = (
            select(throttle_hits.c.at_ms)
            .where(
                throttle_hits.c.key == key,
                throttle_hits.c.at_ms > _ms(now - self.window),
            )
            .order_by(throttle_hits.c.at_ms.desc())
            .limit(self.limit)
        )
        with engine.connect() as conn:
            times = [row[0] / 1000 for row in conn.execute(query)]
        if self.reuse_seconds:
            with self._lock:
                if len(self._seen) > 10_000:
                    self._seen.clear()  # a churn of keys cannot grow it
                self._seen[key] = (mono, times)
        return times


def _ms(seconds: float) -> int:
    return int(seconds * 1000)
