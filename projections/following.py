"""Following the live log: the feed, retries through outages, a rebuild swapped in."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from projections.failure import (
    ProjectionFailed,
    clear_failure,
    failed_position,
    record_failure,
)
from projections.feed import open_feed
from projections.schema import LIVE
from projections.tracking import PositionMoved
from projections.transient import TRANSIENT

if TYPE_CHECKING:
    from projections.runner import Projector

log = logging.getLogger("giftledger.projector")


def follow(
    projector: Projector, stop: threading.Event, poll_interval: float = 0.2
) -> None:
    """Follow the log until `stop` is set; outlives database outages."""
    backoff = 0.5
    while not stop.is_set():
        try:
            _follow_feed(projector, stop, poll_interval)
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
            if projector.suffix == LIVE:
                record_failure(projector.engine, failure)
            raise


def _follow_feed(
    projector: Projector, stop: threading.Event, poll_interval: float
) -> None:
    after = projector.load_positions()
    failed_at = failed_position(projector.engine) if projector.suffix == LIVE else None
    if failed_at is not None and after >= failed_at:  # a rebuild got past it
        clear_failure(projector.engine)
        failed_at = None
    log.info("projector: following the event log from position %d", after)
    feed = open_feed(projector.source, after, stop, poll_interval)
    try:
        while not stop.is_set():
            batch = feed.take(projector.batch_size, timeout=poll_interval)
            if batch:
                started = time.monotonic()
                position = projector.apply_checked(batch)
                if failed_at is not None and position >= failed_at:
                    clear_failure(projector.engine)
                    failed_at = None
                log.debug(
                    "projector: %d events to %d in %.3fs",
                    len(batch),
                    position,
                    time.monotonic() - started,
                )
            else:
                _check_position(projector)
    finally:
        feed.close()


def _check_position(projector: Projector) -> None:
    """Raise PositionMoved if a rebuild swapped in tables behind us.

    A batch finds that out by itself; on a quiet log no batch comes, and the
    views would stay behind (at the rebuild's position) until the next event.
    """
    with projector.engine.connect() as conn:
        stored = projector.tracking.read(conn, projector.positions)
    for name, at in stored.items():
        if at < projector.positions[name]:
            raise PositionMoved(f"{name} moved back to {at}")
