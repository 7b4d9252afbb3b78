"""When a webhook credential last called and a site last sent a receipt.

Written by the RTN webhook: at most once a minute per credential and site in each
worker (a receipt storm costs no write per request), as an upsert, so every worker
and node keeps one row per key. Read by the dashboard.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from service.store.shared_state import ensure_shared_tables, integration_usage

EVERY_SECONDS = 60.0
_written: dict[tuple[str, str], float] = {}
_lock = threading.Lock()


def touch(engine: Engine, merchant_id: str, credential: str, site_id: str) -> None:
    """Note that `credential` just called for `site_id` (debounced per worker)."""
    now = time.time()
    keys = [("credential", credential), ("site", site_id)]
    with _lock:
        due = [k for k in keys if now - _written.get(k, 0.0) >= EVERY_SECONDS]
        for key in due:
            _written[key] = now
        if len(_written) > 10_000:
            _written.clear()
    if not due:
        return
    ensure_shared_tables(engine)
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    rows = [
        {"merchant_id": merchant_id, "kind": kind, "key": key,
         "last_at_ms": int(now * 1000)}
        for kind, key in due
    ]  # fmt: skip
    statement = dialect.insert(integration_usage).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "key"],
        set_={"last_at_ms": statement.excluded.last_at_ms},
    )
    with engine.begin() as conn:
        conn.execute(statement)


def last_used(engine: Engine, merchant_id: str) -> dict[tuple[str, str], datetime]:
    """(kind, key) -> when the merchant's credential or site was last used."""
    ensure_shared_tables(engine)
    t = integration_usage
    query = select(t.c.kind, t.c.key, t.c.last_at_ms).where(
        t.c.merchant_id == merchant_id
    )
    with engine.connect() as conn:
        return {
            (kind, key): datetime.fromtimestamp(ms / 1000, UTC)
            for kind, key, ms in conn.execute(query)
        }
