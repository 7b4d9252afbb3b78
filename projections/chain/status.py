"""How far the chain is behind the event log (for /readyz and /metrics)."""

from __future__ import annotations

from sqlalchemy import Engine

from projections.chain.store import chain_head
from projections.events import EventSource
from projections.status import Lag, lag_behind


def chain_lag(engine: Engine, source: EventSource) -> Lag:
    """Events and seconds between the last chained event and the log's head."""
    with engine.connect() as conn:
        position, _ = chain_head(conn)
    return lag_behind(position, source)
