"""Refuse, in one line, to run a command against an event store init-db never made.

Without this, the SQLite default (`var/giftledger.db`, relative to the current
folder) made an empty `var/` wherever a command ran, then failed deep inside the
library with `no such table: stored_events`. The check opens nothing for writing.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import unquote, urlsplit

from service.config import Config

# The tables eventsourcing makes for the `giftledger` application on each store.
SQLITE_EVENTS = "stored_events"
POSTGRES_EVENTS = "giftledger_events"
INIT = "`giftledger init-db` (same DATABASE_URL)"
HOW = f"create it with {INIT}"


class StoreMissing(SystemExit):
    """The event store has not been created; the message says how to create it."""


def sqlite_path(database_url: str) -> str:
    """The file a `sqlite:///...` URL names, as the ledger opens it."""
    path = urlsplit(database_url).path
    return path[1:] if path.startswith("/") else path


def _sqlite_problem(database_url: str) -> str | None:
    path = sqlite_path(database_url)
    where = f"{path} (in {os.getcwd()})" if not Path(path).is_absolute() else path
    if not Path(path).is_file():
        return f"no event store at {where}: {HOW}"
    uri = f"file:{Path(path).resolve()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            (SQLITE_EVENTS,),
        ).fetchone()
    return None if found else f"{where} has no event tables: {HOW}"


def _postgres_problem(database_url: str) -> str | None:
    import psycopg

    url = urlsplit(database_url)
    name = url.path.lstrip("/")
    try:
        conn = psycopg.connect(
            dbname=name,
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            user=unquote(url.username or "postgres"),
            password=unquote(url.password or ""),
            connect_timeout=5,
        )
    except psycopg.OperationalError as error:
        if "does not exist" in str(error):  # libpq gives no SQLSTATE at connect
            return f"database {name} does not exist: create it, then run {INIT}"
        return None  # unreachable is not missing: the command's own retries decide
    with conn:
        row = conn.execute("SELECT to_regclass(%s)", (POSTGRES_EVENTS,)).fetchone()
    if row is not None and row[0] is not None:
        return None
    return f"database {name} has no event tables: {HOW}"


def require_store(config: Config) -> None:
    """Exit with status 1 and one line, creating nothing, when the store is missing."""
    if config.is_postgres:
        problem = _postgres_problem(config.database_url)
    elif config.database_url.startswith("sqlite"):
        problem = _sqlite_problem(config.database_url)
    else:
        return  # ledger_env names the unsupported scheme itself
    if problem:
        raise StoreMissing(f"giftledger: {problem}")
