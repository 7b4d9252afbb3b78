"""The worker's SQLAlchemy engine for the read models (made on first use, per app)."""

from __future__ import annotations

import threading

from flask import current_app
from sqlalchemy import Engine

from projections.engines import make_engine
from projections.schema import create_tables
from service.store.shared_state import create_shared_tables

EXTENSION = "giftledger.read_engine"
_lock = threading.Lock()


def read_engine() -> Engine:
    """The engine of this app's read models; never built before a worker serves."""
    engine = current_app.extensions.get(EXTENSION)
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    with _lock:
        engine = current_app.extensions.get(EXTENSION)
        if engine is None:
            config = current_app.config["GIFTLEDGER"]
            engine = make_engine(
                config.database_url,
                pool_size=config.pool_size,
                max_overflow=config.max_overflow,
            )
            if config.create_tables:
                # Development and tests: no separate init-db step ran.
                create_tables(engine)
                create_shared_tables(engine)
            current_app.extensions[EXTENSION] = engine
    return engine
