"""The read models' SQLAlchemy engines: SQLite's early write lock, PostgreSQL's pool."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event


def sqlalchemy_url(database_url: str) -> str:
    """DATABASE_URL in SQLAlchemy's form: PostgreSQL goes through psycopg 3."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    if database_url.startswith("sqlite:///"):
        return database_url
    raise ValueError("DATABASE_URL must be a sqlite:/// file or a postgresql:// URL")


def make_engine(
    database_url: str,
    *,
    writer: bool = False,
    pool_size: int = 2,
    max_overflow: int = 4,
) -> Engine:
    """An engine for the read models; a `writer` takes SQLite's write lock early."""
    url = sqlalchemy_url(database_url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

        @event.listens_for(engine, "connect")
        def _autocommit_driver(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # Let SQLAlchemy's BEGIN below start transactions (also around DDL),
            # so a read is one snapshot and a writer never fails to upgrade a lock.
            dbapi_conn.isolation_level = None
            dbapi_conn.execute("PRAGMA busy_timeout = 30000")

        @event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql(begin)

        return engine
    # Named, so an operator (and the crash test) can tell its sessions apart.
    name = "giftledger-projections" if writer else "giftledger-reads"
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        connect_args={"application_name": name, "connect_timeout": 5},
    )
