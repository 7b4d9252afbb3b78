"""Where the projections stand: position, lag behind the event log, waiting."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from projections.events import EventSource
from projections.schema import read_models
from projections.tracking import Tracking
from projections.views import all_views


def view_names() -> list[str]:
    """The tracking names of the live views."""
    return [view.name for view in all_views(read_models())]


def projected_position(engine: Engine) -> int:
    """The position every live view has reached."""
    with engine.connect() as conn:
        return min(Tracking().read(conn, view_names()).values())


@dataclass(frozen=True)
class Lag:
    """How far the read models are behind the event log."""

    position: int
    head: int
    events_behind: int
    seconds_behind: float

    def as_dict(self) -> dict[str, float | int]:
        """For JSON bodies."""
        return {
            "position": self.position,
            "head": self.head,
            "events_behind": self.events_behind,
            "seconds_behind": round(self.seconds_behind, 3),
        }


def projector_lag(engine: Engine, source: EventSource) -> Lag:
    """Events (notification ids) and seconds the projections are behind."""
    return lag_behind(projected_position(engine), source)


def lag_behind(position: int, source: EventSource) -> Lag:
    """How far a follower at `position` (projector, chain) is behind the log."""
    head = source.head()
    behind = max(0, head - position)
    seconds = 0.0
    if behind:
        # Age of the oldest event not yet applied: how stale a read may be.
        waiting_since = source.event_time(position)
        if waiting_since is not None:
            seconds = max(0.0, (datetime.now(UTC) - waiting_since).total_seconds())
    return Lag(position, head, behind, seconds)


def wait_for(engine: Engine, position: int, timeout: float) -> tuple[bool, int]:
    """Wait (polling) until the views reach `position`; (reached, where they are)."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        at = projected_position(engine)
        if at >= position:
            return True, at
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False, at
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 0.2)
