"""Projector catch-up: events per second applied from a backlog of 100,000 events."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from projections.engines import make_engine
from projections.status import projected_position
from tests.bench.harness import Server
from tests.bench.seed import card_code, grow_history, open_ledger

CARDS = 1000  # the seeded cards the top-up spreads over
PER_SAVE = 100  # redemptions per card per save while topping the backlog up


def top_up(database_url: str, merchant_id: UUID, backlog: int, cards: int) -> int:
    """Add 1p redemptions (card event + pointer) until the log holds `backlog`."""
    ledger = open_ledger(database_url)
    try:
        head = ledger.recorder.max_notification_id() or 0
        n = 0
        while head < backlog:
            count = min(PER_SAVE, (backlog - head) // 2 + 1)
            grow_history(ledger, merchant_id, card_code(n % cards), count, PER_SAVE)
            head += 2 * count
            n += 1
        return ledger.recorder.max_notification_id() or 0
    finally:
        ledger.close()


def measure(
    database_url: str, merchant_id: UUID, backlog: int, log_dir: Path
) -> dict[str, Any]:
    """Run `scripts.run_projector --once` from zero; events/s while it applies."""
    head = top_up(database_url, merchant_id, backlog, CARDS)
    engine = make_engine(database_url)
    projector = Server(
        "projector",
        [sys.executable, "-m", "scripts.run_projector", "--once"],
        {"DATABASE_URL": database_url},
        log_dir,
    )
    started = time.monotonic()
    projector.start()
    first: tuple[float, int] | None = None
    position = 0
    try:
        while projector.alive() and time.monotonic() - started < 120:
            try:
                position = projected_position(engine)
            except Exception:  # tables not created yet by the projector
                position = 0
            if first is None and position > 0:
                first = (time.monotonic(), position)
            time.sleep(0.05)
        ended = time.monotonic()
        position = projected_position(engine)
    finally:
        projector.stop()
        engine.dispose()
    if first is None or position <= first[1]:
        return {"summary": f"projector did not progress; {projector.log_tail(5)}"}
    rate = (position - first[1]) / (ended - first[0])
    whole = position / (ended - started)
    return {
        "backlog": head,
        "position": position,
        "events_per_second": round(rate),
        "events_per_second_with_startup": round(whole),
        "summary": f"{rate:,.0f} events/s while applying ({whole:,.0f} events/s "
        f"counting process start-up), {position:,} events",
    }
