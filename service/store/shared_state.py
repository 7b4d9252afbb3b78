"""Small tables every worker and node shares: throttle hits and integration use.

They live beside the read models (same database, same engine). `giftledger
init-db` creates them; a worker that finds them missing creates them once.
"""

from __future__ import annotations

import threading

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.exc import SQLAlchemyError

metadata = MetaData()
# One row per counted event (a failed sign-in, an unknown card): a sliding window
# is the rows of a key younger than the window. Rows older than it are deleted.
throttle_hits = Table(
    "throttle_hits", metadata,
    # SQLite numbers rows itself only for an INTEGER primary key.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("key", Text, nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    Index("ix_throttle_hits_key", "key", "at_ms"),
)  # fmt: skip
# When a webhook credential last called, and a site last sent a receipt.
integration_usage = Table(
    "integration_usage", metadata,
    Column("merchant_id", String(36), nullable=False),
    Column("kind", String(16), nullable=False),  # "credential" | "site"
    Column("key", Text, nullable=False),
    Column("last_at_ms", BigInteger, nullable=False),
    PrimaryKeyConstraint("kind", "key", name="pk_integration_usage"),
    Index("ix_integration_usage_merchant", "merchant_id"),
)  # fmt: skip

_ready: set[int] = set()
_lock = threading.Lock()


def create_shared_tables(engine: Engine) -> None:
    """Create the shared tables if they are missing (safe to repeat)."""
    with engine.begin() as conn:
        metadata.create_all(conn, checkfirst=True)


def ensure_shared_tables(engine: Engine) -> None:
    """Once per engine and process: the tables exist (another worker may race)."""
    if id(engine) in _ready:
        return
    with _lock:
        if id(engine) in _ready:
            return
        try:
            create_shared_tables(engine)
        except SQLAlchemyError:
            # Another worker created them between our check and our CREATE.
            create_shared_tables(engine)
        _ready.add(id(engine))
