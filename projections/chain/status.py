"""How far the chain is behind the event log (for /readyz and /metrics)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from projections.chain.store import chain_head
from projections.events import EventSource
from projections.status import Lag


def chain_lag(engine: Engine, source: EventSource) -> Lag:
    """Events and seconds between the last chained event and the log's head."""
    with engine.connect() as conn:
        position, _ = chain_head(conn)
    head = source.head()
    behind = max(0, head - position)
    seconds = 0.0
    if behind:
        waiting_since = source.event_time(position)
        if waiting_since is not None:
            seconds = max(0.0, (datetime.now(UTC) - waiting_since).total_seconds())
    return Lag(position, head, behind, seconds)
