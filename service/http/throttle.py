"""Throttle card-code guessing: too many card_not_found from one credential -> 429.

Per credential, a sliding window of the times it was answered card_not_found,
kept in the database (service/http/counters.py), so every worker and node counts
together; a worker reuses what it read for a second at most. Once it holds
`limit` entries younger than `window` seconds, every card request of that
credential is refused (429 too_many_requests, Retry-After) until the oldest entry
ages out, hits included, so a 429 reveals nothing either.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import cast

from flask import Blueprint, Flask, Response, current_app, g
from flask.sansio.blueprints import BlueprintSetupState
from sqlalchemy import Engine

from domain.errors import CardNotFound, LedgerError
from service.http.auth import Principal
from service.http.counters import SharedWindow
from service.http.problems import ledger_error, problem
from service.store.read_engine import read_engine

EXTENSION = "giftledger.not_found_throttle"
KEY = "card-not-found:"
# How long a worker trusts its last read of a credential's misses: no query per POS
# request, and another worker's misses are seen within this time.
REUSE_SECONDS = 1.0


class TooManyRequests(LedgerError):
    """This credential asked for too many unknown cards; retry later."""

    code = "too_many_requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many requests for unknown cards; retry later")
        self.retry_after = retry_after


class SlidingWindow:
    """Counts events per key over the last `window` seconds (thread-safe)."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> float | None:
        """Seconds until `key` may ask again, or None when it may ask now."""
        with self._lock:
            now = self.clock()
            hits = self._prune(key, now)
            if len(hits) < self.limit:
                return None
            return max(hits[0] + self.window - now, 0.001)

    def hit(self, key: str) -> None:
        """Record one event for `key`."""
        with self._lock:
            now = self.clock()
            hits = self._prune(key, now)
            hits.append(now)
            # Keep no more than needed to decide; bounds memory under a flood.
            while len(hits) > self.limit:
                hits.popleft()

    def _prune(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits and len(self._hits) > 10_000:
            # Forget idle keys so a churn of credentials cannot grow the dict.
            self._hits = {k: v for k, v in self._hits.items() if v}
            hits = self._hits.setdefault(key, deque())
        return hits


def read_engine_of(app: Flask) -> Callable[[], Engine]:
    """The app's read-model engine, made on first use inside a request."""

    def engine() -> Engine:
        with app.app_context():
            return read_engine()

    return engine


def _window() -> SharedWindow:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def check(principal: Principal) -> None:
    """Refuse a throttled credential before it looks anything up."""
    wait = _window().retry_after(KEY + principal.credential_id)
    if wait is not None:
        raise TooManyRequests(math.ceil(wait))


def record_not_found(principal: Principal) -> None:
    """Count one card_not_found answered to `principal` (pages that catch it)."""
    _window().hit(KEY + principal.credential_id)


def _record_not_found(error: CardNotFound) -> Response:
    principal = g.get("principal")
    if principal is not None:
        record_not_found(principal)
    return ledger_error(error)


def _too_many(error: TooManyRequests) -> Response:
    response = problem(error.code, error.detail)
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def _create_window(state: BlueprintSetupState) -> None:
    if EXTENSION in state.app.extensions:
        return  # several blueprints install the throttle; one window per app
    config = state.app.config["GIFTLEDGER"]
    clock: Callable[[], float] = time.time
    if config.clock is not None:
        # Tests move a fake clock; the window follows it.
        clock = lambda: config.clock().timestamp()  # noqa: E731
    state.app.extensions[EXTENSION] = SharedWindow(
        read_engine_of(cast(Flask, state.app)), config.not_found_limit,
        config.not_found_window_seconds, clock, reuse_seconds=REUSE_SECONDS,
    )  # fmt: skip


def install(bp: Blueprint) -> None:
    """Wire the throttle into the app that registers `bp` (every card_not_found)."""
    bp.record_once(_create_window)
    bp.app_errorhandler(CardNotFound)(_record_not_found)
    bp.app_errorhandler(TooManyRequests)(_too_many)
